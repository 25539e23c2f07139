package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"keygate/shared/keys"
)

// A key's usage history lives in its own partition, USAGE#<keyId>, written
// by the usage aggregator from the table's stream (never by the
// authorizer). Per item that counts the key's uses (the key's own, "key",
// and each lane, "<n>"): one bucket per hour (sort key
// H#2026-12-07T19#<source>) and per day (D#2026-12-07#<source>) with the
// uses counted in it, expiring after the retention, summed over the
// sources when read; and the state of what was applied from it
// (S#<source>): the stream and sequence number of its last record, the
// usageCount seen and the last fold. Each use is the difference of two
// successive usageCounts of one item, so a refund counts -1 and the
// buckets add up to usageCount. One source's writes never touch another's
// items, so the stream's shards, each with its own aggregator invocation,
// never conflict.
const (
	prefixUsage     = "USAGE#"
	skHourPrefix    = "H#"
	skDayPrefix     = "D#"
	skSourcePrefix  = "S#"
	skEpoch         = "EPOCH"
	attrLastFold    = "lastFold"
	usageHourLayout = "2006-01-02T15"
	usageDayLayout  = "2006-01-02"
)

// UsageChange is one stream record of an item counting a key's uses: its
// usageCount as written, when (its lastUsedAt, else the record's time), and
// where it stands in the item's order of changes.
type UsageChange struct {
	KeyID string
	// Source is the item: "key" for the key's own, the lane's number.
	Source string
	// Seq is the record's stream sequence number, zero-padded so that its
	// order is the string order; Record is it as the stream gave it, and
	// Stream the stream's ARN (sequence numbers compare within a stream).
	Seq, Record, Stream string
	Insert              bool
	// Created is the key's creation (zero for a lane, which always starts
	// from 0).
	Created time.Time
	Count   int64
	At      time.Time
	// Fold names the last fold of lanes into the key's item: a change of
	// it is the lanes' counts moving back, already counted on the lanes.
	Fold string
}

// UsageChangeOf reads a stream record's new image of a key or lane item
// (false for any other item).
func UsageChangeOf(image map[string]types.AttributeValue, stream, seq string, insert bool, at time.Time) (UsageChange, bool) {
	pk := getS(image, AttrPK)
	if !strings.HasPrefix(pk, prefixKey) || getS(image, AttrSK) != skKey {
		return UsageChange{}, false
	}
	c := UsageChange{Seq: fmt.Sprintf("%040s", seq), Record: seq, Stream: stream, Insert: insert, At: at, Fold: getS(image, attrLastFold)}
	c.Count, _ = getN(image, "usageCount")
	if t := getTimePtr(image, "lastUsedAt"); t != nil {
		c.At = *t
	}
	switch getS(image, "type") {
	case typeKey:
		c.KeyID, c.Source, c.Created = getS(image, "keyId"), "key", getTime(image, "createdAt")
	case typeLane:
		c.KeyID = getS(image, attrLaneOf)
		c.Source = strings.TrimPrefix(getS(image, "keyId"), c.KeyID+"#")
	default:
		return UsageChange{}, false
	}
	return c, keys.ValidID(c.KeyID)
}

// usageState is what was applied of one source.
type usageState struct {
	stream, seq, fold string
	count             int64
	found             bool
}

// UsageFailure is RecordUsage's error when some sources could not be
// written: Record is the earliest of their records, from which the stream
// must deliver the batch again (the others' records are skipped then).
type UsageFailure struct {
	Record string
	Err    error
	seq    string // Record's Seq, for the earliest of several
}

func (f *UsageFailure) Error() string { return "store: record usage: " + f.Err.Error() }
func (f *UsageFailure) Unwrap() error { return f.Err }

// UsageEpoch is when the usage aggregator first ran on this table: keys
// created since count every use from 0; an older key's first change seen
// is its baseline. Written once (a conditional write), then read.
func (s *Store) UsageEpoch(ctx context.Context) (time.Time, error) {
	key := map[string]types.AttributeValue{AttrPK: str(prefixUsage), AttrSK: str(skEpoch)}
	for range 2 {
		out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.table), Key: key, ConsistentRead: aws.Bool(true)})
		if err != nil {
			return time.Time{}, fmt.Errorf("store: usage epoch: %w", err)
		}
		if len(out.Item) > 0 {
			return getTime(out.Item, "at"), nil
		}
		_, err = s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(s.table), Key: key,
			ConditionExpression: aws.String("attribute_not_exists(pk)"), UpdateExpression: aws.String("SET #at = :at"),
			ExpressionAttributeNames: map[string]string{"#at": "at"}, ExpressionAttributeValues: map[string]types.AttributeValue{":at": millis(s.Now())}})
		var ccf *types.ConditionalCheckFailedException
		if err != nil && !errors.As(err, &ccf) {
			return time.Time{}, fmt.Errorf("store: usage epoch: %w", err)
		}
	}
	return time.Time{}, fmt.Errorf("store: usage epoch: not written")
}

// RecordUsage applies a batch of changes, in stream order, to the keys'
// hourly and daily buckets: per source, one read of its state and one
// transaction of the state and the buckets its changes touch. A change at
// or before the source's applied sequence number is skipped, so a batch
// delivered again counts once. The first change seen of a key created
// before the aggregator ran is its baseline: only uses after it count.
func (s *Store) RecordUsage(ctx context.Context, changes []UsageChange, retention time.Duration, epoch time.Time) error {
	var order []string
	bySource := map[string][]UsageChange{}
	for _, c := range changes {
		id := c.KeyID + "|" + c.Source
		if _, ok := bySource[id]; !ok {
			order = append(order, id)
		}
		bySource[id] = append(bySource[id], c)
	}
	states, err := s.usageStates(ctx, order, bySource)
	if err != nil {
		return err
	}
	var failed *UsageFailure
	for _, id := range order {
		// A source that cannot be written does not hold up the others.
		if err := s.applyUsage(ctx, bySource[id], states[id], retention, epoch); err != nil {
			first := bySource[id][0]
			if failed == nil || first.Seq < failed.seq {
				failed = &UsageFailure{Record: first.Record, Err: err, seq: first.Seq}
			}
		}
	}
	if failed != nil {
		return failed
	}
	return nil
}

// maxBucketsPerWrite keeps one write's transaction within DynamoDB's 100
// items: the state and at most this many buckets. A backlog spanning more
// is written in several, each advancing the state to its last change, so
// each counts once however the batch is retried.
const maxBucketsPerWrite = 98

// applyUsage writes one source's changes after state.
func (s *Store) applyUsage(ctx context.Context, cs []UsageChange, state usageState, retention time.Duration, epoch time.Time) error {
	keyID, source := cs[0].KeyID, cs[0].Source
	next := state
	buckets := map[string]int64{} // sort key → uses
	flush := func() error {
		if next == state || (state.found && len(buckets) == 0 && next.count == state.count && next.fold == state.fold) {
			state = next
			return nil
		}
		if err := s.writeUsage(ctx, keyID, source, state, next, buckets, retention); err != nil {
			return err
		}
		state, buckets = next, map[string]int64{}
		return nil
	}
	for _, c := range cs {
		if state.found && state.stream == c.Stream && c.Seq <= state.seq {
			continue // applied already
		}
		hour := skHourPrefix + c.At.UTC().Format(usageHourLayout) + "#" + source
		day := skDayPrefix + c.At.UTC().Format(usageDayLayout) + "#" + source
		if _, ok := buckets[hour]; !ok && len(buckets)+2 > maxBucketsPerWrite {
			if err := flush(); err != nil {
				return err
			}
		}
		counted, from := true, next.count
		switch {
		case c.Insert:
			from = 0 // a new item (a key, a lane spread again) counts from 0
		case !next.found && c.Source == "key" && c.Created.Before(epoch):
			counted = false // a key from before the aggregator: its baseline
		case !next.found:
			from = 0 // a lane, or a key created since: every use counts
		case c.Fold != next.fold:
			counted = false // the lanes' counts moved back: counted on them
		}
		if d := c.Count - from; counted && d != 0 {
			buckets[hour] += d
			buckets[day] += d
		}
		next = usageState{stream: c.Stream, seq: c.Seq, fold: c.Fold, count: c.Count, found: true}
	}
	return flush()
}

// writeUsage is one transaction: the source's state from prev to next
// (held to prev's sequence number) and the buckets' additions.
func (s *Store) writeUsage(ctx context.Context, keyID, source string, prev, next usageState, buckets map[string]int64, retention time.Duration) error {
	pk := str(prefixUsage + keyID)
	values := map[string]types.AttributeValue{":seq": str(next.seq), ":c": num(next.count), ":f": str(next.fold), ":s": str(next.stream)}
	cond := "attribute_not_exists(pk)"
	if prev.found {
		cond = "seq = :old"
		values[":old"] = str(prev.seq)
	}
	items := []types.TransactWriteItem{{Update: &types.Update{
		TableName: aws.String(s.table), Key: map[string]types.AttributeValue{AttrPK: pk, AttrSK: str(skSourcePrefix + source)},
		ConditionExpression: aws.String(cond), UpdateExpression: aws.String("SET streamArn = :s, seq = :seq, usageCount = :c, " + attrLastFold + " = :f"),
		ExpressionAttributeValues: values,
	}}}
	for sk, d := range buckets {
		items = append(items, types.TransactWriteItem{Update: &types.Update{
			TableName: aws.String(s.table), Key: map[string]types.AttributeValue{AttrPK: pk, AttrSK: str(sk)},
			UpdateExpression:          aws.String("ADD #n :d SET #ttl = :ttl"),
			ExpressionAttributeNames:  map[string]string{"#n": "count", "#ttl": TTLAttribute},
			ExpressionAttributeValues: map[string]types.AttributeValue{":d": num(d), ":ttl": num(bucketExpiry(sk, retention))},
		}})
	}
	if _, err := s.transact(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items}); err != nil {
		return fmt.Errorf("store: record usage of key %s: %w", keyID, err)
	}
	return nil
}

// maxHourlyRetention is how long hourly buckets are kept at most: the
// span one usage query may ask for by the hour.
const maxHourlyRetention = 31 * 24 * time.Hour

// bucketExpiry is when a bucket expires (Unix seconds): its end plus the
// retention (for hours, at most maxHourlyRetention).
func bucketExpiry(sk string, retention time.Duration) int64 {
	when, _, _ := strings.Cut(sk[len(skHourPrefix):], "#")
	if strings.HasPrefix(sk, skHourPrefix) {
		// Hours are read 31 days back at most (keys.Usage).
		start, _ := time.Parse(usageHourLayout, when)
		return start.Add(time.Hour + min(retention, maxHourlyRetention)).Unix()
	}
	start, _ := time.Parse(usageDayLayout, when)
	return start.Add(24*time.Hour + retention).Unix()
}

// usageStates reads the state of each source (BatchGetItem, strongly
// consistent).
func (s *Store) usageStates(ctx context.Context, order []string, bySource map[string][]UsageChange) (map[string]usageState, error) {
	out := make(map[string]usageState, len(order))
	for start := 0; start < len(order); start += 100 {
		var want []map[string]types.AttributeValue
		for _, id := range order[start:min(len(order), start+100)] {
			c := bySource[id][0]
			want = append(want, map[string]types.AttributeValue{AttrPK: str(prefixUsage + c.KeyID), AttrSK: str(skSourcePrefix + c.Source)})
		}
		items, err := s.batchGet(ctx, want, "")
		if err != nil {
			return nil, fmt.Errorf("store: usage states: %w", err)
		}
		for _, item := range items {
			id := strings.TrimPrefix(getS(item, AttrPK), prefixUsage) + "|" + strings.TrimPrefix(getS(item, AttrSK), skSourcePrefix)
			count, _ := getN(item, "usageCount")
			out[id] = usageState{stream: getS(item, "streamArn"), seq: getS(item, "seq"), fold: getS(item, attrLastFold), count: count, found: true}
		}
	}
	return out, nil
}

// UsageBuckets reads the key's buckets of granularity g whose start is in
// [from, to] (both truncated to g), oldest first; hours and days without
// uses are missing.
func (s *Store) UsageBuckets(ctx context.Context, keyID string, g keys.Granularity, from, to time.Time) ([]keys.UsageBucket, error) {
	prefix, layout := skDayPrefix, usageDayLayout
	if g == keys.Hourly {
		prefix, layout = skHourPrefix, usageHourLayout
	}
	in := &dynamodb.QueryInput{
		TableName:              aws.String(s.table),
		KeyConditionExpression: aws.String("pk = :pk AND sk BETWEEN :from AND :to"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			// Every source's bucket of each time: "#" sorts before the
			// sources' names, "~" after them.
			":pk": str(prefixUsage + keyID), ":from": str(prefix + from.UTC().Format(layout) + "#"), ":to": str(prefix + to.UTC().Format(layout) + "#~"),
		},
		// A laned key has a bucket per lane and hour: read only what is
		// summed, so a month of hours costs a fraction of its items' size.
		ProjectionExpression:     aws.String("sk, #n"),
		ExpressionAttributeNames: map[string]string{"#n": "count"},
		ConsistentRead:           aws.Bool(true),
	}
	items, err := s.queryAll(ctx, in, "usage")
	if err != nil {
		return nil, err
	}
	var out []keys.UsageBucket
	for _, item := range items {
		when, _, _ := strings.Cut(strings.TrimPrefix(getS(item, AttrSK), prefix), "#")
		start, err := time.Parse(layout, when)
		if err != nil {
			continue
		}
		count, _ := getN(item, "count")
		if n := len(out); n > 0 && out[n-1].Start.Equal(start) {
			out[n-1].Count += count
			continue
		}
		out = append(out, keys.UsageBucket{Start: start, Count: count})
	}
	return out, nil
}

package store

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"keygate/shared/keys"
)

// keyCondition admits an existing key without lanes (a laned key counts
// its uses on its lanes: lanes.go) whose hash matches, that has not
// expired and whose user is not disabled, unless this very verification was
// already applied (lastUseId): an SDK retry after a lost response must not
// count the use twice.
const keyCondition = "attribute_exists(pk) AND attribute_not_exists(lanes) AND #hash = :hash AND " +
	"(attribute_not_exists(expiresAt) OR expiresAt > :now) AND attribute_not_exists(userDisabled) AND " +
	"(attribute_not_exists(lastUseId) OR lastUseId <> :use)"

// The steady write of a verification depends on which limits the key has:
// its condition admits a request within them when their state is current
// (the rate limit's next admission is due while its arrival time has not
// fallen behind now; the quota's count is of this period and below its
// limit), and its update advances exactly their counters, so a key without
// limits carries no limit attributes. A key whose limits are not those the
// expression expects, or whose state is not current (an idle rate limit, a
// new quota period), fails the condition; Verify then writes the next state
// from the old item in one more call and remembers the key's limits for its
// next verification (limitHints).
type limitKind int

const (
	noLimits limitKind = iota
	rateOnly
	quotaOnly
	rateAndQuota
	// rateOnlyIdle and rateAndQuotaIdle expect an idle rate limit (its
	// arrival time behind now), as a key used below its rate finds it on
	// every request: the write restarts it from now in the same one call.
	rateOnlyIdle
	rateAndQuotaIdle
)

// isIdle reports whether k expects an idle rate limit.
func (k limitKind) isIdle() bool { return k == rateOnlyIdle || k == rateAndQuotaIdle }

// idle is the kind expecting k's rate limit idle (when it has one).
func (k limitKind) idle() limitKind {
	switch k {
	case rateOnly:
		return rateOnlyIdle
	case rateAndQuota:
		return rateAndQuotaIdle
	}
	return k
}

const (
	condNoRate    = "attribute_not_exists(rlT)"
	condNoQuota   = "attribute_not_exists(qLimit)"
	condRateDue   = "attribute_exists(rlT) AND rlTat >= :now AND rlAllowAt <= :now"
	condRateIdle  = "attribute_exists(rlT) AND attribute_exists(rlGap) AND (attribute_not_exists(rlTat) OR rlTat < :now)"
	condQuotaLeft = "((qKind = :day AND qPeriod = :pday) OR (qKind = :month AND qPeriod = :pmonth)) AND qUsed < qLimit"
	updateBase    = "SET lastUsedAt = :now, lastUseId = :use"
	updateRate    = ", rlTat = rlTat + rlT, rlAllowAt = rlAllowAt + rlT"
	// updateRateIdle is GCRA's max(tat, now) + T for tat < now.
	updateRateIdle = ", rlTat = :now + rlT, rlAllowAt = :now + rlGap"
)

// steadyWrite is the condition and update of one kind, built once rather
// than on every call of the authorizer's hot path. The SDK only reads them.
type steadyWrite struct {
	cond, update *string
	quota        bool // uses the quota's values
}

var steadyWrites = [...]steadyWrite{
	noLimits:         {aws.String(keyCondition + " AND " + condNoRate + " AND " + condNoQuota), aws.String(updateBase + " ADD usageCount :one"), false},
	rateOnly:         {aws.String(keyCondition + " AND " + condRateDue + " AND " + condNoQuota), aws.String(updateBase + updateRate + " ADD usageCount :one"), false},
	quotaOnly:        {aws.String(keyCondition + " AND " + condNoRate + " AND " + condQuotaLeft), aws.String(updateBase + " ADD usageCount :one, qUsed :one"), true},
	rateAndQuota:     {aws.String(keyCondition + " AND " + condRateDue + " AND " + condQuotaLeft), aws.String(updateBase + updateRate + " ADD usageCount :one, qUsed :one"), true},
	rateOnlyIdle:     {aws.String(keyCondition + " AND " + condRateIdle + " AND " + condNoQuota), aws.String(updateBase + updateRateIdle + " ADD usageCount :one"), false},
	rateAndQuotaIdle: {aws.String(keyCondition + " AND " + condRateIdle + " AND " + condQuotaLeft), aws.String(updateBase + updateRateIdle + " ADD usageCount :one, qUsed :one"), true},
}

// kindOf is the kind of limits an item carries.
//
// With idle, the kind expects the rate limit idle (limitHints).
func kindOf(item map[string]types.AttributeValue, idle bool) limitKind {
	_, rate := item[attrRLT]
	_, quota := item[attrQLimit]
	k := noLimits
	switch {
	case rate && quota:
		k = rateAndQuota
	case rate:
		k = rateOnly
	case quota:
		k = quotaOnly
	}
	if idle {
		return k.idle()
	}
	return k
}

// The parts of the requests that never change.
var (
	verifyNames = map[string]string{"#hash": "hash"}
	verifyOne   = num(1)
	verifyDay   = str(string(keys.QuotaDay))
	verifyMonth = str(string(keys.QuotaMonth))
)

// maxVerifyAttempts bounds the writes of one verification (and of one
// draw): the steady one, a reset of the limits' state, and a retry when a
// concurrent verification reset it first. Only a reset is pinned to the
// state it read; every other write is relative (its condition is the
// steady one: the next admission is due, the quota has room), so
// concurrent verifications never invalidate each other and every one ends
// admitted or refused within three writes (TestVerifyConvergesUnderContention
// runs 64 at once). Past the bound Verify fails (closed).
const maxVerifyAttempts = 6

// Verify checks a presented key at time at and records its use in ONE
// conditional UpdateItem in the steady state: the condition checks
// existence, hash, expiry, the user's disabled mark and the key's rate limit
// and quota; the update adds 1 to usageCount, sets lastUsedAt and advances
// the limits' counters. Usage is counted only when the key verifies within
// its limits. On a failed condition DynamoDB returns the old item
// (ReturnValuesOnConditionCheckFailure=ALL_OLD), which tells an expired key
// from an unknown one, and a limited request from a limits' state that only
// needs its reset (an idle rate limit, a new quota period) — written then by
// one more conditional UpdateItem, at most once per key per window or
// period. A key made by a limited key then draws on the limits of each
// limited key above it (DrawLineage, after the caller's address and user
// checks). The outcome is a Verification value; only infrastructure
// failure is an error.
//
// A key of a disabled user is VerifyUserDisabled when its mark is present;
// callers still check the user item (see Principal), which is authoritative.
func (s *Store) Verify(ctx context.Context, keyID, hash string, at time.Time) (keys.Verification, error) {
	if !keys.ValidID(keyID) {
		return keys.Verification{Result: keys.VerifyNotFound}, nil
	}
	now := at.UTC().Truncate(keys.TimePrecision)
	// One id per verification, the same in every attempt, SDK retry and
	// draw.
	var idBytes [12]byte
	_, _ = rand.Read(idBytes[:]) // never fails: it crashes the program instead
	useID := base64.RawURLEncoding.EncodeToString(idBytes[:])
	return s.verifyKey(ctx, keyID, hash, useID, now)
}

// verifyOwn is the key's own write: the check and the count. laned is set
// when the key turned out to have lanes (its item is then in s.lanes).
func (s *Store) verifyOwn(ctx context.Context, keyID, hash, useID string, now time.Time) (keys.Verification, bool, error) {
	nowMs := now.UnixMilli()
	values := map[string]types.AttributeValue{
		":hash": str(hash), ":now": num(nowMs), ":one": verifyOne, ":use": str(useID),
	}
	kind := s.hints.get(keyID)
	w := steadyWrites[kind]
	if w.quota {
		addPeriods(values, now)
	}
	in := &dynamodb.UpdateItemInput{
		TableName:                           aws.String(s.table),
		Key:                                 keyItemKey(keyID),
		ConditionExpression:                 w.cond,
		UpdateExpression:                    w.update,
		ExpressionAttributeNames:            verifyNames,
		ExpressionAttributeValues:           values,
		ReturnValues:                        types.ReturnValueAllNew,
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	}
	idle := kind.isIdle() // whether the write in flight restarts an idle rate limit
	for range maxVerifyAttempts {
		sent := time.Now() // what the write returns is at least this fresh
		out, err := s.db.UpdateItem(ctx, in)
		if err == nil {
			s.hints.observe(keyID, out.Attributes, idle)
			v := admitted(out.Attributes, nowMs)
			v.UseID = useID
			return v, false, nil
		}
		if retryable(err) {
			continue
		}
		var ccf *types.ConditionalCheckFailedException
		if !errors.As(err, &ccf) {
			if throttled(err) {
				// Many instances starting at once on a laned key each
				// write its item once to learn of the lanes, which
				// may throttle it: learn by a read instead (an item
				// serves three times the reads).
				if item, rerr := s.readLaned(ctx, keyID); rerr == nil && lanesOf(item) > 1 {
					return keys.Verification{}, true, nil
				}
			}
			return keys.Verification{}, false, fmt.Errorf("store: verify key: %w", err)
		}
		v, done := classifyFailure(ccf.Item, hash, useID, nowMs)
		if done {
			v.UseID = useID
			return v, false, nil
		}
		if lanesOf(ccf.Item) > 1 {
			s.lanes.put(keyID, ccf.Item, sent)
			return keys.Verification{}, true, nil
		}
		// The key is valid; its limits' state needs a reset, or the hint
		// named other limits than the key has: write the next state.
		step := nextStep(ccf.Item, now)
		if step.refusal != nil {
			s.hints.observe(keyID, ccf.Item, false)
			step.refusal.Key = decodeKey(ccf.Item)
			return *step.refusal, false, nil
		}
		idle = step.idle
		in = s.stepInput(keyID, step, values,
			[]string{keyCondition}, []string{"lastUsedAt = :now", "lastUseId = :use"}, []string{"usageCount :one"})
	}
	return keys.Verification{}, false, fmt.Errorf("store: verify key %s: its limits' state changed %d times during one verification", keyID, maxVerifyAttempts)
}

// retryable reports whether err is a conflict with a transaction in flight
// on the item (TransactionConflictException), which DynamoDB answers to a
// single write while a transaction holds the item and which the SDK does
// not retry: the write is tried again, within the attempts' bound.
func retryable(err error) bool {
	var tc *types.TransactionConflictException
	return errors.As(err, &tc)
}

// throttled reports whether err is DynamoDB refusing a request for its
// throughput (ThrottlingException past the SDK's retries, or
// ProvisionedThroughputExceededException).
func throttled(err error) bool {
	var api smithy.APIError
	if !errors.As(err, &api) {
		return false
	}
	switch api.ErrorCode() {
	case "ThrottlingException", "ProvisionedThroughputExceededException", "RequestLimitExceeded":
		return true
	}
	return false
}

// addPeriods sets the values the steady quota condition compares.
func addPeriods(values map[string]types.AttributeValue, now time.Time) {
	values[":day"], values[":month"] = verifyDay, verifyMonth
	values[":pday"] = str(keys.Quota{Period: keys.QuotaDay}.PeriodKey(now))
	values[":pmonth"] = str(keys.Quota{Period: keys.QuotaMonth}.PeriodKey(now))
}

// admitted is the Verification of a counted use, from the item as written.
func admitted(item map[string]types.AttributeValue, nowMs int64) keys.Verification {
	v := keys.Verification{Result: keys.VerifyValid, Key: decodeKey(item)}
	if rs, ok := readRateState(item); ok {
		v.RateRemaining, v.RateReset = rs.remaining(nowMs)
	}
	return v
}

// classifyFailure tells why the condition failed from the old item. done is
// false when the key itself is valid and only its limits' state refused the
// steady write.
func classifyFailure(old map[string]types.AttributeValue, hash, useID string, nowMillis int64) (keys.Verification, bool) {
	if len(old) == 0 {
		return keys.Verification{Result: keys.VerifyNotFound}, true
	}
	if subtle.ConstantTimeCompare([]byte(getS(old, "hash")), []byte(hash)) != 1 {
		return keys.Verification{Result: keys.VerifyNotFound}, true
	}
	if getS(old, "lastUseId") == useID {
		// An earlier attempt of this same request was applied and its
		// response lost: the key verified, and its use is counted once.
		return admitted(old, nowMillis), true
	}
	key := decodeKey(old)
	if exp, ok := getN(old, "expiresAt"); ok && exp <= nowMillis {
		return keys.Verification{Result: keys.VerifyExpired, Key: key}, true
	}
	if getBool(old, "userDisabled") {
		return keys.Verification{Result: keys.VerifyUserDisabled, Key: key}, true
	}
	return keys.Verification{Key: key}, false
}

// limitStep is how one write checks and advances the limits an item holds,
// as read: the parts of its condition and update, and their values; or the
// refusal when a limit refuses the request now (nothing is written then).
type limitStep struct {
	cond, set, add []string
	values         map[string]types.AttributeValue
	refusal        *keys.Verification
	// idle is set when the step restarts an idle rate limit.
	idle bool
}

// nextStep is the limit step for the state old holds at now. No step is
// pinned to the state read: each is conditioned on the writer's own view
// of it — the rate limit idle at now (its arrival time behind now: it
// restarts from now, which is GCRA's max(tat, now) + T), or current and
// due (it advances from whatever it is when the write lands); the quota in
// another period than now's (its first use), or in now's with room — so
// concurrent verifications never invalidate one another, with any clocks,
// and each ends admitted or refused within a few writes.
func nextStep(old map[string]types.AttributeValue, now time.Time) limitStep {
	nowMs := now.UnixMilli()
	step := limitStep{values: map[string]types.AttributeValue{}}
	if rs, ok := readRateState(old); ok {
		switch {
		case rs.allowAt > nowMs:
			return limitStep{refusal: &keys.Verification{Result: keys.VerifyThrottled,
				RetryAfter: time.Duration(rs.allowAt-nowMs) * time.Millisecond,
				RateReset:  time.Duration(max(0, rs.tat-nowMs)) * time.Millisecond}}
		case rs.tat < nowMs: // idle: restart from now
			step.idle = true
			step.values[":t"], step.values[":tau"], step.values[":gap"] = num(rs.t), num(rs.tau), num(rs.t-rs.tau)
			step.values[":newTat"], step.values[":newAllow"] = num(nowMs+rs.t), num(nowMs+rs.t-rs.tau)
			step.cond = append(step.cond, "rlT = :t AND rlTau = :tau AND (attribute_not_exists(rlTat) OR rlTat < :now)")
			step.set = append(step.set, "rlTat = :newTat", "rlAllowAt = :newAllow", attrRLGap+" = :gap")
		default:
			step.cond = append(step.cond, condRateDue)
			step.set = append(step.set, "rlTat = rlTat + rlT", "rlAllowAt = rlAllowAt + rlT")
		}
	} else {
		step.cond = append(step.cond, condNoRate)
	}
	if q, state := decodeQuota(old); q != nil {
		period := q.PeriodKey(now)
		step.values[":qp"], step.values[":qkind"] = str(period), str(string(q.Period))
		switch {
		case state.Period == period && state.Used >= q.Limit:
			return limitStep{refusal: &keys.Verification{Result: keys.VerifyQuotaExceeded, RetryAfter: q.ResetsAt(now).Sub(now)}}
		case state.Period != period: // a new period: its first use
			step.cond = append(step.cond, "qKind = :qkind AND (attribute_not_exists(qPeriod) OR qPeriod <> :qp)")
			step.set = append(step.set, "qPeriod = :qp", "qUsed = :one")
		default:
			step.cond = append(step.cond, "qKind = :qkind AND qPeriod = :qp AND qUsed < qLimit")
			step.add = append(step.add, "qUsed :one")
		}
	} else {
		step.cond = append(step.cond, condNoQuota)
	}
	return step
}

// stepInput is the UpdateItem of step on item id, after the write's own
// condition, SET and ADD parts.
func (s *Store) stepInput(id string, step limitStep, base map[string]types.AttributeValue, cond, set, add []string) *dynamodb.UpdateItemInput {
	values := make(map[string]types.AttributeValue, len(base)+len(step.values))
	maps.Copy(values, base)
	maps.Copy(values, step.values)
	cond = append(slices.Clip(cond), step.cond...)
	set = append(slices.Clip(set), step.set...)
	add = append(slices.Clip(add), step.add...)
	update := "SET " + strings.Join(set, ", ")
	if len(add) > 0 {
		update += " ADD " + strings.Join(add, ", ")
	}
	in := &dynamodb.UpdateItemInput{
		TableName:                           aws.String(s.table),
		Key:                                 keyItemKey(id),
		ConditionExpression:                 aws.String(strings.Join(cond, " AND ")),
		UpdateExpression:                    aws.String(update),
		ExpressionAttributeValues:           onlyUsed(values, cond, set, add),
		ReturnValues:                        types.ReturnValueAllNew,
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	}
	if containsToken(strings.Join(cond, " "), "#hash") {
		in.ExpressionAttributeNames = verifyNames
	}
	return in
}

// onlyUsed keeps the values the expressions name: DynamoDB refuses unused
// expression attribute values.
func onlyUsed(values map[string]types.AttributeValue, parts ...[]string) map[string]types.AttributeValue {
	text := ""
	for _, p := range parts {
		text += strings.Join(p, " ") + " "
	}
	out := make(map[string]types.AttributeValue, len(values))
	for k, v := range values {
		if containsToken(text, k) {
			out[k] = v
		}
	}
	return out
}

// containsToken reports whether name (":now") occurs in text as a whole
// token, not as the prefix of a longer one (":nowMinus").
func containsToken(text, name string) bool {
	for i := strings.Index(text, name); i >= 0; {
		end := i + len(name)
		if end == len(text) || !isNameChar(text[end]) {
			return true
		}
		j := strings.Index(text[end:], name)
		if j < 0 {
			return false
		}
		i = end + j
	}
	return false
}

func isNameChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

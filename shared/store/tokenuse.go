package store

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"keygate/shared/keys"
)

// A user's access tokens share one budget (keys.TokenLimits), counted on a
// token-use item in the keys' own shape — KEY#<keys.TokenUseID(user)> —
// so its write is a key's verification (Verify: the check, the count and
// the limits in one conditional UpdateItem) and keys made by a token draw
// on it as on a limited parent key (DrawLineage). It has no userId
// attribute and no index key: no key route reaches it (theirs are
// conditioned on userId), and it is in no user's list. Its hash is not a
// SHA-256 hex, so no key token verifies against it.
const (
	typeTokenUse  = "tokenUse"
	tokenUseHash  = "token-use"
	attrTokenUser = "tokenUser"
)

// VerifyTokenUse counts one access-token use of userID against lim on the
// user's token-use item: created with lim on the first use, rewritten when
// the template's limits changed (their state starts again then).
func (s *Store) VerifyTokenUse(ctx context.Context, userID string, lim keys.TokenLimits, at time.Time) (keys.Verification, error) {
	id := keys.TokenUseID(userID)
	v, err := s.Verify(ctx, id, tokenUseHash, at)
	if err != nil {
		return v, err
	}
	if v.Result == keys.VerifyNotFound {
		if err := s.putTokenUse(ctx, id, userID, lim, at, true, keys.RateState{}); err != nil {
			return keys.Verification{}, err
		}
		if v, err = s.Verify(ctx, id, tokenUseHash, at); err != nil {
			return v, err
		}
	}
	if !sameRate(v.Key.RateLimit, lim.RateLimit) || !sameQuota(v.Key.Quota, lim.Quota) {
		// The stack's limits changed: this use was counted under the old
		// ones; the next under the new.
		if err := s.putTokenUse(ctx, id, userID, lim, at, false, v.Key.RateState); err != nil {
			return keys.Verification{}, err
		}
	}
	return v, nil
}

// putTokenUse writes the token-use item with lim; onlyNew keeps one a
// concurrent first use wrote. A rewrite changes the limits' configuration
// only: their state (the rate limit's arrival time, the quota's count)
// continues, so two authorizer versions with different limits during a
// deployment never reset each other's counts. It is an UpdateItem, the one
// write the authorizer's role has on key items.
func (s *Store) putTokenUse(ctx context.Context, id, userID string, lim keys.TokenLimits, at time.Time, onlyNew bool, state keys.RateState) error {
	attrs := map[string]types.AttributeValue{
		"type": str(typeTokenUse), "keyId": str(id), attrTokenUser: str(userID),
		"hash": str(tokenUseHash), "createdAt": millis(at.UTC()),
	}
	if lim.RateLimit != nil {
		maps.Copy(attrs, rateAttrs(*lim.RateLimit))
	}
	if lim.Quota != nil {
		maps.Copy(attrs, quotaAttrs(*lim.Quota))
	}
	names := map[string]string{}
	values := map[string]types.AttributeValue{}
	var set, remove []string
	for _, name := range slices.Sorted(maps.Keys(attrs)) {
		n := len(names)
		names[fmt.Sprintf("#a%d", n)], values[fmt.Sprintf(":a%d", n)] = name, attrs[name]
		set = append(set, fmt.Sprintf("#a%d = :a%d", n, n))
	}
	for _, name := range append(slices.Clone(rateConfigNames), quotaConfigNames...) {
		if _, ok := attrs[name]; !ok {
			n := len(names)
			names[fmt.Sprintf("#a%d", n)] = name
			remove = append(remove, fmt.Sprintf("#a%d", n))
		}
	}
	cond := ""
	if !onlyNew && lim.RateLimit != nil && !state.TAT.IsZero() {
		// The rate limit's next admission follows from its arrival time
		// and the new tolerance; written only if no use moved the arrival
		// time meanwhile (else the next use rewrites it).
		names["#tat"], names["#allow"] = attrRLTat, attrRLAllowAt
		values[":tat"] = millis(state.TAT)
		values[":allow"] = num(state.TAT.UnixMilli() - lim.RateLimit.Tolerance().Milliseconds())
		set = append(set, "#allow = :allow")
		cond = "#tat = :tat"
	}
	update := "SET " + strings.Join(set, ", ")
	if len(remove) > 0 {
		update += " REMOVE " + strings.Join(remove, ", ")
	}
	in := &dynamodb.UpdateItemInput{
		TableName: aws.String(s.table), Key: keyItemKey(id),
		UpdateExpression: aws.String(update), ExpressionAttributeNames: names, ExpressionAttributeValues: values,
	}
	switch {
	case onlyNew:
		in.ConditionExpression = aws.String("attribute_not_exists(pk)")
	case cond != "":
		in.ConditionExpression = aws.String(cond)
	}
	_, err := s.db.UpdateItem(ctx, in)
	var ccf *types.ConditionalCheckFailedException
	if err != nil && !errors.As(err, &ccf) {
		return fmt.Errorf("store: token use of %s: %w", userID, err)
	}
	return nil
}

func sameRate(a, b *keys.RateLimit) bool {
	return a == nil && b == nil || a != nil && b != nil && *a == *b
}

func sameQuota(a, b *keys.Quota) bool {
	return a == nil && b == nil || a != nil && b != nil && *a == *b
}

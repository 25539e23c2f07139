package store

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"keygate/shared/keys"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// verifyCondition admits an existing key whose hash matches, that has not
// expired and whose user is not disabled, unless this very verification was
// already applied (lastUseId): an SDK retry after a lost response must not
// count the use twice.
const verifyCondition = "attribute_exists(pk) AND #hash = :hash AND " +
	"(attribute_not_exists(expiresAt) OR expiresAt > :now) AND attribute_not_exists(userDisabled) AND " +
	"(attribute_not_exists(lastUseId) OR lastUseId <> :use)"

// The parts of Verify's request that never change, built once rather than on
// every call of the authorizer's hot path. The SDK only reads them.
var (
	verifyConditionExpr = aws.String(verifyCondition)
	verifyUpdateExpr    = aws.String("SET lastUsedAt = :now, lastUseId = :use ADD usageCount :one")
	verifyNames         = map[string]string{"#hash": "hash"}
	verifyOne           = num(1)
)

// Verify checks a presented key at time at and records its use in ONE conditional
// UpdateItem: the condition checks existence, hash, expiry and the user's
// disabled mark; the update adds 1 to usageCount and sets lastUsedAt. Usage is
// counted only when the key verifies. On a failed condition DynamoDB returns
// the old item (ReturnValuesOnConditionCheckFailure=ALL_OLD), which tells an
// expired key from an unknown one without a second call.
//
// The outcome is a keys.Verification value; only infrastructure failure is an error.
// A key of a disabled user is keys.VerifyUserDisabled when its mark is present;
// callers still check the user item (see keys.Principal), which is authoritative.
func (s *Store) Verify(ctx context.Context, keyID, hash string, at time.Time) (keys.Verification, error) {
	if !keys.ValidID(keyID) {
		return keys.Verification{Result: keys.VerifyNotFound}, nil
	}
	now := at.UTC().Truncate(keys.TimePrecision).UnixMilli()
	// One id per verification, the same in every SDK retry of the request.
	var idBytes [12]byte
	_, _ = rand.Read(idBytes[:]) // never fails: it crashes the program instead
	useID := base64.RawURLEncoding.EncodeToString(idBytes[:])
	out, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                aws.String(s.table),
		Key:                      keyItemKey(keyID),
		ConditionExpression:      verifyConditionExpr,
		UpdateExpression:         verifyUpdateExpr,
		ExpressionAttributeNames: verifyNames,
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":hash": str(hash),
			":now":  num(now),
			":one":  verifyOne,
			":use":  str(useID),
		},
		ReturnValues:                        types.ReturnValueAllNew,
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	})
	if err == nil {
		return keys.Verification{Result: keys.VerifyValid, Key: decodeKey(out.Attributes)}, nil
	}
	var ccf *types.ConditionalCheckFailedException
	if !errors.As(err, &ccf) {
		return keys.Verification{}, fmt.Errorf("store: verify key: %w", err)
	}
	return classifyFailure(ccf.Item, hash, useID, now), nil
}

// classifyFailure tells why the condition failed from the old item.
func classifyFailure(old map[string]types.AttributeValue, hash, useID string, nowMillis int64) keys.Verification {
	if len(old) == 0 {
		return keys.Verification{Result: keys.VerifyNotFound}
	}
	if subtle.ConstantTimeCompare([]byte(getS(old, "hash")), []byte(hash)) != 1 {
		return keys.Verification{Result: keys.VerifyNotFound}
	}
	key := decodeKey(old)
	if getS(old, "lastUseId") == useID {
		// An earlier attempt of this same request was applied and its
		// response lost: the key verified, and its use is counted once.
		return keys.Verification{Result: keys.VerifyValid, Key: key}
	}
	if exp, ok := getN(old, "expiresAt"); ok && exp <= nowMillis {
		return keys.Verification{Result: keys.VerifyExpired, Key: key}
	}
	if getBool(old, "userDisabled") {
		return keys.Verification{Result: keys.VerifyUserDisabled, Key: key}
	}
	return keys.Verification{Result: keys.VerifyNotFound}
}

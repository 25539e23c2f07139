package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// The signing keys' public halves, one item each in the partition
// pkSigning, as the JWKS endpoint lists them. No private key material is
// ever stored in the table.
const (
	pkSigning   = "SIGNING"
	typeSigning = "signingKey"
	// signingTTLGrace keeps a retired key's item a day past its Until
	// before DynamoDB's TTL may delete it; the JWKS filters on Until.
	signingTTLGrace = 24 * time.Hour
)

func signingItemKey(kid string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{AttrPK: str(pkSigning), AttrSK: str(prefixKey + kid)}
}

// SigningKey is a published public key.
type SigningKey struct {
	KID string
	// JWK is the public key's JSON as published.
	JWK []byte
	// Until is when it leaves the JWKS (zero: not retired).
	Until time.Time
}

// PublishSigningKey records kid's public JWK; a kid already recorded is left
// as it is (publishing is idempotent and never un-retires a key).
func (s *Store) PublishSigningKey(ctx context.Context, kid string, jwk []byte, until time.Time) error {
	set := "SET #type = :type, kid = :kid, jwk = :jwk, publishedAt = :now"
	values := map[string]types.AttributeValue{":type": str(typeSigning), ":kid": str(kid), ":jwk": str(string(jwk)), ":now": millis(s.Now())}
	names := map[string]string{"#type": "type"}
	if !until.IsZero() {
		set += ", #until = :until, #ttl = :ttl"
		names["#until"], names["#ttl"] = "until", TTLAttribute
		values[":until"], values[":ttl"] = num(until.Unix()), num(until.Add(signingTTLGrace).Unix())
	}
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 aws.String(s.table),
		Key:                       signingItemKey(kid),
		UpdateExpression:          aws.String(set),
		ConditionExpression:       aws.String("attribute_not_exists(pk)"),
		ExpressionAttributeNames:  names,
		ExpressionAttributeValues: values,
	})
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("store: publish signing key: %w", err)
	}
	return nil
}

// RetireSigningKey sets when kid leaves the JWKS.
func (s *Store) RetireSigningKey(ctx context.Context, kid string, until time.Time) error {
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 aws.String(s.table),
		Key:                       signingItemKey(kid),
		UpdateExpression:          aws.String("SET #until = :until, #ttl = :ttl"),
		ConditionExpression:       aws.String("attribute_exists(pk)"),
		ExpressionAttributeNames:  map[string]string{"#until": "until", "#ttl": TTLAttribute},
		ExpressionAttributeValues: map[string]types.AttributeValue{":until": num(until.Unix()), ":ttl": num(until.Add(signingTTLGrace).Unix())},
	})
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return fmt.Errorf("store: retire signing key %s: not published", kid)
	}
	if err != nil {
		return fmt.Errorf("store: retire signing key: %w", err)
	}
	return nil
}

// SigningKeys returns the keys published at now (not retired, or retired
// after now), in kid order.
func (s *Store) SigningKeys(ctx context.Context, now time.Time) ([]SigningKey, error) {
	items, err := s.queryAll(ctx, &dynamodb.QueryInput{
		TableName:                 aws.String(s.table),
		KeyConditionExpression:    aws.String("pk = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(pkSigning)},
	}, "signing keys")
	if err != nil {
		return nil, err
	}
	out := make([]SigningKey, 0, len(items))
	for _, it := range items {
		k := SigningKey{KID: getS(it, "kid"), JWK: []byte(getS(it, "jwk"))}
		if u, ok := getN(it, "until"); ok {
			k.Until = time.Unix(u, 0)
			if !now.Before(k.Until) {
				continue
			}
		}
		out = append(out, k)
	}
	return out, nil
}

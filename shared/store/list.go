package store

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"keygate/shared/apperr"
	"keygate/shared/keys"
)

// ListKeys returns a page of the user's keys, newest first, and the cursor of
// the next page ("" when there is none). The cursor is opaque to clients; one
// that is malformed or was issued to another user is a BadRequest.
//
// The API Keys page's own keys, its sign-in links and session keys
// (keys.Key.SignInLink, Session), are not listed: they are the page's
// sign-in, not keys the user made, and expire within the hour. A page is
// still filled to limit when more keys follow.
func (s *Store) ListKeys(ctx context.Context, userID string, limit int, cursor string) ([]keys.Key, string, error) {
	if err := keys.CheckID("user", userID); err != nil {
		return nil, "", err
	}
	if limit <= 0 {
		limit = keys.DefaultPageSize
	}
	limit = min(limit, keys.MaxPageSize)
	in := s.userKeysQuery(userID)
	in.FilterExpression = aws.String("attribute_not_exists(#session) AND attribute_not_exists(" + attrSignInLink + ")")
	in.ExpressionAttributeNames = map[string]string{"#session": "session"} // a reserved word
	if cursor != "" {
		start, err := decodeCursor(cursor, userID)
		if err != nil {
			return nil, "", err
		}
		in.ExclusiveStartKey = start
	}
	page := make([]keys.Key, 0, limit)
	for {
		// The filter applies after Limit: ask for no more than the page
		// still needs, so every item returned fits in it.
		in.Limit = aws.Int32(int32(limit - len(page)))
		out, err := s.db.Query(ctx, in)
		if err != nil {
			return nil, "", fmt.Errorf("store: list keys: %w", err)
		}
		for _, item := range out.Items {
			page = append(page, decodeKey(item))
		}
		if len(out.LastEvaluatedKey) == 0 {
			return page, "", s.withLaneUsage(ctx, page)
		}
		if len(page) == limit {
			return page, encodeCursor(userID, page[len(page)-1]), s.withLaneUsage(ctx, page)
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
}

// allKeyIDs lists the ids of every key of the user. It pages with DynamoDB's
// own LastEvaluatedKey and reads only keyId: ListKeys's cursors are for
// clients.
func (s *Store) allKeyIDs(ctx context.Context, userID string) ([]string, error) {
	in := s.userKeysQuery(userID)
	in.ProjectionExpression = aws.String("keyId")
	items, err := s.queryAll(ctx, in, "list keys")
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(items))
	for i, item := range items {
		ids[i] = getS(item, "keyId")
	}
	return ids, nil
}

// userKeysQuery queries gsi1 for the user's keys, newest first.
func (s *Store) userKeysQuery(userID string) *dynamodb.QueryInput {
	return &dynamodb.QueryInput{
		TableName:              aws.String(s.table),
		IndexName:              aws.String(GSI1Name),
		KeyConditionExpression: aws.String("gsi1pk = :u AND begins_with(gsi1sk, :k)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":u": str(userPK(userID)), ":k": str(prefixKey),
		},
		ScanIndexForward: aws.Bool(false),
	}
}

// queryAll runs the query to its last page and returns every item.
func (s *Store) queryAll(ctx context.Context, in *dynamodb.QueryInput, what string) ([]map[string]types.AttributeValue, error) {
	var items []map[string]types.AttributeValue
	for {
		out, err := s.db.Query(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("store: %s: %w", what, err)
		}
		items = append(items, out.Items...)
		if len(out.LastEvaluatedKey) == 0 {
			return items, nil
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
}

// cursorData is the content of a list cursor: whose list it is and where the
// previous page ended.
type cursorData struct {
	User string `json:"u"`
	Key  string `json:"k"`
	At   string `json:"t"`
}

// validSortTime reports whether s is a time in the exact sortTime form.
func validSortTime(s string) bool {
	t, err := time.Parse(sortTime, s)
	return err == nil && t.Format(sortTime) == s
}

func encodeCursor(userID string, last keys.Key) string {
	b, _ := json.Marshal(cursorData{User: userID, Key: last.ID, At: last.CreatedAt.UTC().Format(sortTime)})
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(cursor, userID string) (map[string]types.AttributeValue, error) {
	bad := apperr.Errorf(apperr.BadRequest, "invalid cursor")
	if len(cursor) > 512 {
		return nil, bad
	}
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil {
		return nil, bad
	}
	var c cursorData
	if err := json.Unmarshal(raw, &c); err != nil {
		return nil, bad
	}
	if c.User != userID || !keys.ValidID(c.Key) || !validSortTime(c.At) {
		return nil, bad
	}
	return map[string]types.AttributeValue{
		AttrPK: str(keyPK(c.Key)), AttrSK: str(skKey),
		AttrGSI1PK: str(userPK(userID)), AttrGSI1SK: str(prefixKey + c.At + "#" + c.Key),
	}, nil
}

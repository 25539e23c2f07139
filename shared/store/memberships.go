package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"keygate/shared/apperr"
	"keygate/shared/keys"
)

// PutMembership gives a user a role in a workspace, replacing any earlier
// role; a membership keeps the createdAt of its first put. The user and the
// workspace must exist; the check and the write are one transaction. It
// writes no audit event: it seeds data outside the use cases (the local
// demo, tests), as CreateKey with a nil event does. Operators' changes go
// through keys.Memberships (AddMembership, ChangeRole, RemoveMembership).
func (s *Store) PutMembership(ctx context.Context, m keys.Membership) error {
	if err := keys.CheckID("user", m.UserID); err != nil {
		return err
	}
	if err := keys.CheckID("workspace", m.WorkspaceID); err != nil {
		return err
	}
	if _, err := keys.ParseRole(string(m.Role)); err != nil {
		return err
	}
	exists := aws.String("attribute_exists(pk)")
	_, err := s.transact(ctx, &dynamodb.TransactWriteItemsInput{
		TransactItems: []types.TransactWriteItem{
			{ConditionCheck: &types.ConditionCheck{
				TableName: aws.String(s.table), ConditionExpression: exists,
				Key: userItemKey(m.UserID),
			}},
			{ConditionCheck: &types.ConditionCheck{
				TableName: aws.String(s.table), ConditionExpression: exists,
				Key: wsItemKey(m.WorkspaceID),
			}},
			{Update: &types.Update{
				TableName: aws.String(s.table),
				Key:       membershipItemKey(m.UserID, m.WorkspaceID),
				UpdateExpression: aws.String("SET #gsi1pk = :ws, #gsi1sk = :user, #type = :type, userId = :u, " +
					"workspaceId = :w, #role = :role, createdAt = if_not_exists(createdAt, :now)"),
				ExpressionAttributeNames: map[string]string{
					"#gsi1pk": AttrGSI1PK, "#gsi1sk": AttrGSI1SK, "#type": "type", "#role": "role",
				},
				ExpressionAttributeValues: map[string]types.AttributeValue{
					":ws": str(wsPK(m.WorkspaceID)), ":user": str(userPK(m.UserID)), ":type": str(typeMembership),
					":u": str(m.UserID), ":w": str(m.WorkspaceID), ":role": str(string(m.Role)), ":now": millis(s.Now()),
				},
			}},
		},
	})
	if err != nil {
		switch i, _ := failedItem(err); i {
		case 0:
			return apperr.Errorf(apperr.NotFound, "user %s not found", m.UserID)
		case 1:
			return apperr.Errorf(apperr.NotFound, "workspace %s not found", m.WorkspaceID)
		}
		return fmt.Errorf("store: put membership: %w", err)
	}
	return nil
}

// GetMembership returns the user's membership of the workspace or NotFound.
func (s *Store) GetMembership(ctx context.Context, userID, workspaceID string) (keys.Membership, error) {
	if err := keys.CheckID("user", userID); err != nil {
		return keys.Membership{}, err
	}
	if err := keys.CheckID("workspace", workspaceID); err != nil {
		return keys.Membership{}, err
	}
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(s.table),
		Key:            membershipItemKey(userID, workspaceID),
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return keys.Membership{}, fmt.Errorf("store: get membership: %w", err)
	}
	if len(out.Item) == 0 {
		return keys.Membership{}, apperr.Errorf(apperr.NotFound, "user %s is not a member of workspace %s", userID, workspaceID)
	}
	return decodeMembership(out.Item), nil
}

// ListMemberships returns the user's memberships sorted by workspace id.
func (s *Store) ListMemberships(ctx context.Context, userID string) ([]keys.Membership, error) {
	if err := keys.CheckID("user", userID); err != nil {
		return nil, err
	}
	items, err := s.queryUserPartition(ctx, userID, true)
	if err != nil {
		return nil, err
	}
	var out []keys.Membership
	for _, item := range items {
		if getS(item, "type") == typeMembership {
			out = append(out, decodeMembership(item))
		}
	}
	return out, nil
}

// Principal reads the user's profile and memberships in one Query of the
// user's partition (more only if it exceeds DynamoDB's 1 MB page). A missing
// user is NotFound.
func (s *Store) Principal(ctx context.Context, userID string) (keys.Principal, error) {
	if err := keys.CheckID("user", userID); err != nil {
		return keys.Principal{}, err
	}
	items, err := s.queryUserPartition(ctx, userID, false)
	if err != nil {
		return keys.Principal{}, err
	}
	var p keys.Principal
	found := false
	for _, item := range items {
		switch getS(item, "type") {
		case typeUser:
			p.User = decodeUser(item)
			found = true
		case typeMembership:
			p.Memberships = append(p.Memberships, decodeMembership(item))
		}
	}
	if !found {
		return keys.Principal{}, apperr.Errorf(apperr.NotFound, "user %s not found", userID)
	}
	return p, nil
}

// queryUserPartition reads every item under USER#<id>, strongly consistent
// so a removed membership or a disabled user takes effect at once.
func (s *Store) queryUserPartition(ctx context.Context, userID string, membershipsOnly bool) ([]map[string]types.AttributeValue, error) {
	in := &dynamodb.QueryInput{
		TableName:                 aws.String(s.table),
		KeyConditionExpression:    aws.String("pk = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(userPK(userID))},
		ConsistentRead:            aws.Bool(true),
	}
	if membershipsOnly {
		in.KeyConditionExpression = aws.String("pk = :pk AND begins_with(sk, :ws)")
		in.ExpressionAttributeValues[":ws"] = str(prefixWS)
	}
	return s.queryAll(ctx, in, "query user")
}

func decodeMembership(item map[string]types.AttributeValue) keys.Membership {
	return keys.Membership{
		UserID:      getS(item, "userId"),
		WorkspaceID: getS(item, "workspaceId"),
		Role:        keys.Role(getS(item, "role")),
		CreatedAt:   getTime(item, "createdAt"),
	}
}

// conditionFailed reports whether err is a failed ConditionExpression of a
// single-item write.
func conditionFailed(err error) bool {
	var ccf *types.ConditionalCheckFailedException
	return errors.As(err, &ccf)
}

// failedItem returns the index of the first transaction item whose condition
// failed, or -1, and the old item DynamoDB sent back for it when the item
// asked for it (ReturnValuesOnConditionCheckFailure=ALL_OLD).
func failedItem(err error) (int, map[string]types.AttributeValue) {
	var tc *types.TransactionCanceledException
	if !errors.As(err, &tc) {
		return -1, nil
	}
	for i, r := range tc.CancellationReasons {
		if aws.ToString(r.Code) == "ConditionalCheckFailed" {
			return i, r.Item
		}
	}
	return -1, nil
}

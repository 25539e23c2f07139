package store

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"keygate/shared/apperr"
)

// maxNameLen bounds user and workspace names written by operators.
const maxNameLen = 200

// PutUser creates or updates a user. Disabling a user also marks their keys,
// so verification refuses them without counting usage; enabling clears the
// marks. The marks are brought in line with the user on every call, so a
// retry repairs an earlier call that failed half-way.
func (s *Store) PutUser(ctx context.Context, u User) error {
	if err := checkID("user", u.ID); err != nil {
		return err
	}
	if len(u.Name) > maxNameLen || len(u.Email) > maxNameLen {
		return apperr.Errorf(apperr.BadRequest, "user name and email must be at most %d bytes", maxNameLen)
	}
	now := s.Now()
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(s.table),
		Key:       userItemKey(u.ID),
		UpdateExpression: aws.String("SET #type = :type, userId = :id, #name = :name, email = :email, " +
			"disabled = :disabled, createdAt = if_not_exists(createdAt, :now)"),
		ExpressionAttributeNames: map[string]string{"#type": "type", "#name": "name"},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":type": str(typeUser), ":id": str(u.ID), ":name": str(u.Name), ":email": str(u.Email),
			":disabled": boolean(u.Disabled), ":now": millis(now),
		},
	})
	if err != nil {
		return fmt.Errorf("store: put user: %w", err)
	}
	return s.syncKeyMarks(ctx, u.ID, u.Disabled)
}

// syncKeyMarks marks or clears the user's keys, then reads the user again:
// if a concurrent disable or enable changed it meanwhile, it syncs once more
// so the marks end as the user item says.
func (s *Store) syncKeyMarks(ctx context.Context, userID string, disabled bool) error {
	for range 2 {
		if err := s.markUserKeys(ctx, userID, disabled); err != nil {
			return err
		}
		u, err := s.GetUser(ctx, userID)
		if err != nil {
			return err
		}
		if u.Disabled == disabled {
			return nil
		}
		disabled = u.Disabled
	}
	return s.markUserKeys(ctx, userID, disabled)
}

// GetUser returns the user or a NotFound error.
func (s *Store) GetUser(ctx context.Context, id string) (User, error) {
	if err := checkID("user", id); err != nil {
		return User{}, err
	}
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(s.table),
		Key:            userItemKey(id),
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return User{}, fmt.Errorf("store: get user: %w", err)
	}
	if len(out.Item) == 0 {
		return User{}, apperr.Errorf(apperr.NotFound, "user %s not found", id)
	}
	return decodeUser(out.Item), nil
}

// DisableUser marks an existing user disabled: every key of theirs is then
// refused. It returns NotFound for an unknown user.
func (s *Store) DisableUser(ctx context.Context, id string) error {
	if err := checkID("user", id); err != nil {
		return err
	}
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 aws.String(s.table),
		Key:                       userItemKey(id),
		ConditionExpression:       aws.String("attribute_exists(pk)"),
		UpdateExpression:          aws.String("SET disabled = :t"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":t": boolean(true)},
	})
	if err != nil {
		if conditionFailed(err) {
			return apperr.Errorf(apperr.NotFound, "user %s not found", id)
		}
		return fmt.Errorf("store: disable user: %w", err)
	}
	// The user item alone already makes the authorizer deny; the key marks
	// stop those denials from counting as usage.
	return s.syncKeyMarks(ctx, id, true)
}

// markUserKeys sets or clears userDisabled on each of the user's keys.
func (s *Store) markUserKeys(ctx context.Context, userID string, disabled bool) error {
	keys, err := s.allKeyIDs(ctx, userID)
	if err != nil {
		return err
	}
	for _, id := range keys {
		in := &dynamodb.UpdateItemInput{
			TableName:           aws.String(s.table),
			Key:                 keyItemKey(id),
			ConditionExpression: aws.String("attribute_exists(pk)"),
		}
		if disabled {
			in.UpdateExpression = aws.String("SET userDisabled = :t")
			in.ExpressionAttributeValues = map[string]types.AttributeValue{":t": boolean(true)}
		} else {
			in.UpdateExpression = aws.String("REMOVE userDisabled")
		}
		if _, err := s.db.UpdateItem(ctx, in); err != nil {
			if conditionFailed(err) {
				continue // deleted meanwhile
			}
			return fmt.Errorf("store: mark keys of user: %w", err)
		}
	}
	return nil
}

func decodeUser(item map[string]types.AttributeValue) User {
	return User{
		ID:        getS(item, "userId"),
		Name:      getS(item, "name"),
		Email:     getS(item, "email"),
		Disabled:  getBool(item, "disabled"),
		CreatedAt: getTime(item, "createdAt"),
	}
}

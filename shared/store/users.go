package store

import (
	"context"
	"fmt"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"keygate/shared/apperr"
	"keygate/shared/keys"
)

// maxNameLen bounds user and workspace names written by operators.
const maxNameLen = 200

// operatorText reports whether a user's or workspace's name or email is
// at most maxNameLen bytes of valid UTF-8: DynamoDB's JSON would store
// other bytes as U+FFFD, not as given.
func operatorText(vs ...string) bool {
	for _, v := range vs {
		if len(v) > maxNameLen || !utf8.ValidString(v) {
			return false
		}
	}
	return true
}

// PutUser creates or updates a user. Disabling a user also marks their keys,
// so verification refuses them without counting usage; enabling clears the
// marks. The marks are brought in line with the user on every call, so a
// retry repairs an earlier call that failed half-way. It writes every field,
// so it can undo a concurrent change; edits of a live user belong to
// PutUserProfile and SetUserDisabled, which write only their own fields.
func (s *Store) PutUser(ctx context.Context, u keys.User) error {
	if err := keys.CheckID("user", u.ID); err != nil {
		return err
	}
	if !operatorText(u.Name, u.Email) {
		return apperr.Errorf(apperr.BadRequest, "user name and email must be valid UTF-8 of at most %d bytes", maxNameLen)
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
	_, err = s.syncKeyMarks(ctx, u.ID, u.Disabled)
	return err
}

// syncKeyMarks marks or clears the user's keys, then reads the user again:
// if a concurrent disable or enable changed it meanwhile, it syncs once more
// so the marks end as the user item says. It returns the user as last read.
func (s *Store) syncKeyMarks(ctx context.Context, userID string, disabled bool) (keys.User, error) {
	var u keys.User
	for range 3 {
		if err := s.markUserKeys(ctx, userID, disabled); err != nil {
			return keys.User{}, err
		}
		var err error
		if u, err = s.GetUser(ctx, userID); err != nil {
			return keys.User{}, err
		}
		if u.Disabled == disabled {
			break
		}
		disabled = u.Disabled
	}
	return u, nil
}

// GetUser returns the user or a NotFound error.
func (s *Store) GetUser(ctx context.Context, id string) (keys.User, error) {
	if err := keys.CheckID("user", id); err != nil {
		return keys.User{}, err
	}
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(s.table),
		Key:            userItemKey(id),
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return keys.User{}, fmt.Errorf("store: get user: %w", err)
	}
	if len(out.Item) == 0 {
		return keys.User{}, apperr.Errorf(apperr.NotFound, "user %s not found", id)
	}
	return decodeUser(out.Item), nil
}

// UserProfile is what an operator edits of a user. A nil field is left as
// stored (or empty for a new user).
type UserProfile struct {
	Name  *string
	Email *string
}

// PutUserProfile creates the user, enabled, or updates the fields of p that
// are set, and returns the user as stored. It never writes Disabled, so it
// cannot undo a concurrent SetUserDisabled, and it never touches key marks
// (they follow Disabled alone). One UpdateItem.
func (s *Store) PutUserProfile(ctx context.Context, id string, p UserProfile) (keys.User, error) {
	if err := keys.CheckID("user", id); err != nil {
		return keys.User{}, err
	}
	if p.Name != nil && !operatorText(*p.Name) || p.Email != nil && !operatorText(*p.Email) {
		return keys.User{}, apperr.Errorf(apperr.BadRequest, "user name and email must be valid UTF-8 of at most %d bytes", maxNameLen)
	}
	values := map[string]types.AttributeValue{
		":type": str(typeUser), ":id": str(id), ":f": boolean(false), ":now": millis(s.Now()),
	}
	// A field not given keeps its value, or is "" on a new user, as PutUser
	// would write it.
	set := func(attr, param string, v *string) string {
		if v == nil {
			values[":empty"] = str("")
			return attr + " = if_not_exists(" + attr + ", :empty)"
		}
		values[param] = str(*v)
		return attr + " = " + param
	}
	out, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(s.table),
		Key:       userItemKey(id),
		UpdateExpression: aws.String("SET #type = :type, userId = :id, " +
			set("#name", ":name", p.Name) + ", " + set("email", ":email", p.Email) + ", " +
			"disabled = if_not_exists(disabled, :f), createdAt = if_not_exists(createdAt, :now)"),
		ExpressionAttributeNames:  map[string]string{"#type": "type", "#name": "name"},
		ExpressionAttributeValues: values,
		ReturnValues:              types.ReturnValueAllNew,
	})
	if err != nil {
		return keys.User{}, fmt.Errorf("store: put user profile: %w", err)
	}
	return decodeUser(out.Attributes), nil
}

// SetUserDisabled disables or enables an existing user and brings the marks
// on their keys in line: a disabled user's keys are refused without counting
// usage; enabling clears the marks. Only the disabled attribute of the user
// is written, and a retry repairs marks an earlier call left half-done. It
// returns the user as last read, or NotFound for an unknown user.
func (s *Store) SetUserDisabled(ctx context.Context, id string, disabled bool) (keys.User, error) {
	if err := keys.CheckID("user", id); err != nil {
		return keys.User{}, err
	}
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 aws.String(s.table),
		Key:                       userItemKey(id),
		ConditionExpression:       aws.String("attribute_exists(pk)"),
		UpdateExpression:          aws.String("SET disabled = :d"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":d": boolean(disabled)},
	})
	if err != nil {
		if conditionFailed(err) {
			return keys.User{}, apperr.Errorf(apperr.NotFound, "user %s not found", id)
		}
		return keys.User{}, fmt.Errorf("store: set user disabled: %w", err)
	}
	// The user item alone already makes the authorizer deny; the key marks
	// stop those denials from counting as usage.
	return s.syncKeyMarks(ctx, id, disabled)
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

func decodeUser(item map[string]types.AttributeValue) keys.User {
	return keys.User{
		ID:        getS(item, "userId"),
		Name:      getS(item, "name"),
		Email:     getS(item, "email"),
		Disabled:  getBool(item, "disabled"),
		CreatedAt: getTime(item, "createdAt"),
	}
}

package store

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"keygate/shared/apperr"
	"keygate/shared/keys"
)

// attrSignInLink marks a console link's key (keys.Key.SignInLink).
const attrSignInLink = "signInLink"

// ExchangeSignInLink deletes the user's sign-in link key linkID and creates
// session, with events, in one transaction (keys.SignInStore). The delete
// is conditional on the link key being the user's, a link key, and
// unexpired at now, so of two concurrent exchanges exactly one commits; the
// other gets keys.ErrSignInLinkSpent. A missing or disabled user is
// NotFound.
func (s *Store) ExchangeSignInLink(ctx context.Context, userID, linkID string, now time.Time, session keys.Key, events ...*keys.Event) error {
	if err := keys.CheckID("user", userID); err != nil {
		return err
	}
	if !keys.ValidID(linkID) {
		return keys.ErrSignInLinkSpent
	}
	if session.UserID != userID || !session.Session || session.SignInLink {
		return apperr.Errorf(apperr.BadRequest, "the session key must be a session key of the same user")
	}
	if err := validateNewKey(session); err != nil {
		return err
	}
	del := types.TransactWriteItem{Delete: &types.Delete{
		TableName:           aws.String(s.table),
		Key:                 keyItemKey(linkID),
		ConditionExpression: aws.String("userId = :u AND " + attrSignInLink + " = :t AND expiresAt > :now"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":u": str(userID), ":t": boolean(true), ":now": millis(now),
		},
	}}
	items := []types.TransactWriteItem{s.activeUserCheck(userID), del, s.putNewKey(session)}
	for _, ev := range events {
		items = append(items, s.eventItems(ev)...)
	}
	_, err := s.transact(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
	if err == nil {
		return nil
	}
	switch i, _ := failedItem(err); i {
	case 0:
		return apperr.Errorf(apperr.NotFound, "user %s not found or disabled", userID)
	case 1:
		return keys.ErrSignInLinkSpent
	case 2:
		return apperr.Errorf(apperr.Conflict, "key %s already exists", session.ID)
	}
	return fmt.Errorf("store: exchange sign-in link: %w", err)
}

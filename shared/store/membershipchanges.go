package store

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"keygate/shared/apperr"
	"keygate/shared/keys"
)

// The audited membership changes of keys.Memberships: each is one
// transaction holding the change and its audit event (AUDIT#<userId>), so
// both are written or neither is. Each is conditioned on the state its
// event describes (no membership yet, the role it had), so an event never
// misstates a concurrent change: the write fails with Conflict instead.

// AddMembership writes a new membership with ev: NotFound when the user or
// the workspace does not exist, Conflict when the user is already a member.
func (s *Store) AddMembership(ctx context.Context, m keys.Membership, ev *keys.Event) error {
	if err := checkMembership(m); err != nil {
		return err
	}
	exists := aws.String("attribute_exists(pk)")
	items := append([]types.TransactWriteItem{
		{ConditionCheck: &types.ConditionCheck{TableName: aws.String(s.table), ConditionExpression: exists, Key: userItemKey(m.UserID)}},
		{ConditionCheck: &types.ConditionCheck{TableName: aws.String(s.table), ConditionExpression: exists, Key: wsItemKey(m.WorkspaceID)}},
		{Put: &types.Put{
			TableName: aws.String(s.table), Item: encodeMembership(m),
			ConditionExpression: aws.String("attribute_not_exists(pk)"),
		}},
	}, s.eventItems(ev)...)
	_, err := s.transact(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
	if err != nil {
		switch i, _ := failedItem(err); i {
		case 0:
			return apperr.Errorf(apperr.NotFound, "user %s not found", m.UserID)
		case 1:
			return apperr.Errorf(apperr.NotFound, "workspace %s not found", m.WorkspaceID)
		case 2:
			return apperr.Errorf(apperr.Conflict, "user %s is already a member of workspace %s", m.UserID, m.WorkspaceID)
		}
		return fmt.Errorf("store: add membership: %w", err)
	}
	return nil
}

// ChangeRole sets an existing membership's role to m.Role, with ev, while
// its role is from: NotFound when the membership is gone, Conflict when its
// role is no longer from.
func (s *Store) ChangeRole(ctx context.Context, m keys.Membership, from keys.Role, ev *keys.Event) error {
	if err := checkMembership(m); err != nil {
		return err
	}
	items := append([]types.TransactWriteItem{{Update: &types.Update{
		TableName: aws.String(s.table), Key: membershipItemKey(m.UserID, m.WorkspaceID),
		UpdateExpression:                    aws.String("SET #role = :to"),
		ConditionExpression:                 aws.String("#role = :from"),
		ExpressionAttributeNames:            map[string]string{"#role": "role"},
		ExpressionAttributeValues:           map[string]types.AttributeValue{":to": str(string(m.Role)), ":from": str(string(from))},
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	}}}, s.eventItems(ev)...)
	_, err := s.transact(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
	if err != nil {
		return membershipFailure(err, m, "change role")
	}
	return nil
}

// RemoveMembership takes a user out of a workspace, with ev, while their
// role is m.Role: NotFound if they are not a member, Conflict when their
// role changed meanwhile.
func (s *Store) RemoveMembership(ctx context.Context, m keys.Membership, ev *keys.Event) error {
	if err := checkMembership(m); err != nil {
		return err
	}
	items := append([]types.TransactWriteItem{{Delete: &types.Delete{
		TableName: aws.String(s.table), Key: membershipItemKey(m.UserID, m.WorkspaceID),
		ConditionExpression:                 aws.String("#role = :role"),
		ExpressionAttributeNames:            map[string]string{"#role": "role"},
		ExpressionAttributeValues:           map[string]types.AttributeValue{":role": str(string(m.Role))},
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	}}}, s.eventItems(ev)...)
	_, err := s.transact(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
	if err != nil {
		return membershipFailure(err, m, "remove membership")
	}
	return nil
}

// membershipFailure maps a failed change of an existing membership: its
// condition failed on a missing item (NotFound) or on another role
// (Conflict).
func membershipFailure(err error, m keys.Membership, what string) error {
	i, old := failedItem(err)
	switch {
	case i == 0 && len(old) == 0:
		return apperr.Errorf(apperr.NotFound, "user %s is not a member of workspace %s", m.UserID, m.WorkspaceID)
	case i == 0:
		return apperr.Errorf(apperr.Conflict, "the role of user %s in workspace %s changed meanwhile", m.UserID, m.WorkspaceID)
	}
	return fmt.Errorf("store: %s: %w", what, err)
}

// checkMembership checks a membership's ids and role before any write.
func checkMembership(m keys.Membership) error {
	if err := keys.CheckID("user", m.UserID); err != nil {
		return err
	}
	if err := keys.CheckID("workspace", m.WorkspaceID); err != nil {
		return err
	}
	_, err := keys.ParseRole(string(m.Role))
	return err
}

// encodeMembership is a membership item as PutMembership writes it.
func encodeMembership(m keys.Membership) map[string]types.AttributeValue {
	item := membershipItemKey(m.UserID, m.WorkspaceID)
	item[AttrGSI1PK], item[AttrGSI1SK] = str(wsPK(m.WorkspaceID)), str(userPK(m.UserID))
	item["type"], item["userId"], item["workspaceId"] = str(typeMembership), str(m.UserID), str(m.WorkspaceID)
	item["role"], item["createdAt"] = str(string(m.Role)), millis(m.CreatedAt)
	return item
}

// The store is what keys.Memberships reads and writes.
var _ keys.MembershipStore = (*Store)(nil)

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

// PutWorkspace creates or updates a workspace.
func (s *Store) PutWorkspace(ctx context.Context, w keys.Workspace) error {
	if err := keys.CheckID("workspace", w.ID); err != nil {
		return err
	}
	if !operatorText(w.Name) {
		return apperr.Errorf(apperr.BadRequest, "workspace name must be valid UTF-8 of at most %d bytes", maxNameLen)
	}
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                aws.String(s.table),
		Key:                      wsItemKey(w.ID),
		UpdateExpression:         aws.String("SET #type = :type, workspaceId = :id, #name = :name, createdAt = if_not_exists(createdAt, :now)"),
		ExpressionAttributeNames: map[string]string{"#type": "type", "#name": "name"},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":type": str(typeWorkspace), ":id": str(w.ID), ":name": str(w.Name), ":now": millis(s.Now()),
		},
	})
	if err != nil {
		return fmt.Errorf("store: put workspace: %w", err)
	}
	return nil
}

// GetWorkspace returns the workspace or a NotFound error.
func (s *Store) GetWorkspace(ctx context.Context, id string) (keys.Workspace, error) {
	if err := keys.CheckID("workspace", id); err != nil {
		return keys.Workspace{}, err
	}
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(s.table),
		Key:            wsItemKey(id),
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return keys.Workspace{}, fmt.Errorf("store: get workspace: %w", err)
	}
	if len(out.Item) == 0 {
		return keys.Workspace{}, apperr.Errorf(apperr.NotFound, "workspace %s not found", id)
	}
	return keys.Workspace{
		ID:        getS(out.Item, "workspaceId"),
		Name:      getS(out.Item, "name"),
		CreatedAt: getTime(out.Item, "createdAt"),
	}, nil
}

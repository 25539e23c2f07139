package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"keygate/shared/apperr"
)

// The table's attribute names. template.yaml's KeysTable is tested against
// TableDefinition, so the two cannot drift apart.
const (
	AttrPK       = "pk"
	AttrSK       = "sk"
	AttrGSI1PK   = "gsi1pk"
	AttrGSI1SK   = "gsi1sk"
	GSI1Name     = "gsi1"
	TTLAttribute = "ttl"
)

// TableDefinition is the one definition of keygate's table: pk/sk strings,
// the gsi1 index (gsi1pk/gsi1sk, all attributes projected), on-demand billing.
func TableDefinition(name string) *dynamodb.CreateTableInput {
	str := types.ScalarAttributeTypeS
	return &dynamodb.CreateTableInput{
		TableName: aws.String(name),
		AttributeDefinitions: []types.AttributeDefinition{
			{AttributeName: aws.String(AttrPK), AttributeType: str},
			{AttributeName: aws.String(AttrSK), AttributeType: str},
			{AttributeName: aws.String(AttrGSI1PK), AttributeType: str},
			{AttributeName: aws.String(AttrGSI1SK), AttributeType: str},
		},
		KeySchema: []types.KeySchemaElement{
			{AttributeName: aws.String(AttrPK), KeyType: types.KeyTypeHash},
			{AttributeName: aws.String(AttrSK), KeyType: types.KeyTypeRange},
		},
		GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{{
			IndexName: aws.String(GSI1Name),
			KeySchema: []types.KeySchemaElement{
				{AttributeName: aws.String(AttrGSI1PK), KeyType: types.KeyTypeHash},
				{AttributeName: aws.String(AttrGSI1SK), KeyType: types.KeyTypeRange},
			},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll},
		}},
		BillingMode: types.BillingModePayPerRequest,
		// The webhook deliveries read inserts from the stream.
		StreamSpecification: &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: StreamView},
	}
}

// StreamView is what the table's stream records carry: the new item, which
// is all a delivery trigger needs.
const StreamView = types.StreamViewTypeNewImage

// TableAPI is what CreateTable needs of a DynamoDB client.
type TableAPI interface {
	CreateTable(context.Context, *dynamodb.CreateTableInput, ...func(*dynamodb.Options)) (*dynamodb.CreateTableOutput, error)
	DescribeTable(context.Context, *dynamodb.DescribeTableInput, ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error)
	UpdateTimeToLive(context.Context, *dynamodb.UpdateTimeToLiveInput, ...func(*dynamodb.Options)) (*dynamodb.UpdateTimeToLiveOutput, error)
}

// CreateTable creates the table, waits until it is active and enables TTL on
// the ttl attribute. An existing table is a Conflict error.
func CreateTable(ctx context.Context, client TableAPI, name string) error {
	return CreateTableFrom(ctx, client, TableDefinition(name))
}

// CreateTableFrom is CreateTable with the definition given (tests drop the
// stream when they do not read it).
func CreateTableFrom(ctx context.Context, client TableAPI, def *dynamodb.CreateTableInput) error {
	name := aws.ToString(def.TableName)
	if _, err := client.CreateTable(ctx, def); err != nil {
		var inUse *types.ResourceInUseException
		if errors.As(err, &inUse) {
			return apperr.Errorf(apperr.Conflict, "table %s already exists", name)
		}
		return fmt.Errorf("store: create table %s: %w", name, err)
	}
	waiter := dynamodb.NewTableExistsWaiter(client, func(o *dynamodb.TableExistsWaiterOptions) {
		o.MinDelay = 100 * time.Millisecond
		o.MaxDelay = time.Second
	})
	if err := waiter.Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)}, 2*time.Minute); err != nil {
		return fmt.Errorf("store: wait for table %s: %w", name, err)
	}
	if _, err := client.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{
		TableName: aws.String(name),
		TimeToLiveSpecification: &types.TimeToLiveSpecification{
			AttributeName: aws.String(TTLAttribute),
			Enabled:       aws.Bool(true),
		},
	}); err != nil {
		return fmt.Errorf("store: enable TTL on %s: %w", name, err)
	}
	return nil
}

// EnsureTable creates the table unless it already exists.
func EnsureTable(ctx context.Context, client TableAPI, name string) (created bool, err error) {
	err = CreateTable(ctx, client, name)
	if apperr.Is(err, apperr.Conflict) {
		return false, nil
	}
	return err == nil, err
}

// IsTableMissing reports whether err says the table does not exist.
func IsTableMissing(err error) bool {
	var nf *types.ResourceNotFoundException
	return errors.As(err, &nf)
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"keygate/authorizer"
	"keygate/dev/reliability"
	"keygate/shared/apikey"
	"keygate/shared/keys"
	"keygate/shared/store"
)

// floorResult compares the authorizer's full uncached verification with
// the bare SDK calls it cannot do without, against the same DynamoDB Local
// in the same run.
type floorResult struct {
	Rounds     int
	SDK        time.Duration // median of one bare UpdateItem + one Query
	Authorizer time.Duration // median of one Handle (uncached Allow)
}

// Ratio is the authorizer's time as a multiple of the floor.
func (f floorResult) Ratio() float64 { return float64(f.Authorizer) / float64(f.SDK) }

// floorRounds is how many pairs measureFloor times, alternating.
const floorRounds = 2000

// measureFloor times, alternately, the authorizer's Handle for alice's key
// and the two calls it makes, written with the bare SDK: an UpdateItem of
// the key item returning the new item, and a strongly consistent Query of
// the user's partition. The difference is everything keygate adds: token
// parsing and hashing, the condition expression, decoding, the policy.
func measureFloor(ctx context.Context, f *fixture, rounds int) (floorResult, error) {
	h := authorizer.New(store.New(f.client, f.table), authorizer.Config{}, nil)
	ev := reliability.AuthorizerEvent(f.alice.Token)
	// The item keys as the table layout (docs/design) defines them.
	update := &dynamodb.UpdateItemInput{
		TableName: aws.String(f.table),
		Key: map[string]types.AttributeValue{
			"pk": &types.AttributeValueMemberS{Value: "KEY#" + f.alice.KeyID},
			"sk": &types.AttributeValueMemberS{Value: "KEY"},
		},
		UpdateExpression:          aws.String("SET lastUsedAt = :now ADD usageCount :one"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":one": &types.AttributeValueMemberN{Value: "1"}},
		ReturnValues:              types.ReturnValueAllNew,
	}
	query := &dynamodb.QueryInput{
		TableName:                 aws.String(f.table),
		KeyConditionExpression:    aws.String("pk = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: "USER#" + f.alice.UserID}},
		ConsistentRead:            aws.Bool(true),
	}
	bare := func() error {
		update.ExpressionAttributeValues[":now"] = &types.AttributeValueMemberN{Value: fmt.Sprint(time.Now().UnixMilli())}
		if _, err := f.client.UpdateItem(ctx, update); err != nil {
			return fmt.Errorf("floor UpdateItem: %w", err)
		}
		if _, err := f.client.Query(ctx, query); err != nil {
			return fmt.Errorf("floor Query: %w", err)
		}
		return nil
	}
	full := func() error {
		resp, err := h.Handle(ctx, ev)
		if err != nil {
			return fmt.Errorf("floor authorizer: %w", err)
		}
		if resp.PrincipalID != f.alice.UserID {
			return fmt.Errorf("floor authorizer: principal %q, want %q", resp.PrincipalID, f.alice.UserID)
		}
		return nil
	}
	// Warm up both paths: connections, the JVM's JIT.
	for range 200 {
		if err := bare(); err != nil {
			return floorResult{}, err
		}
		if err := full(); err != nil {
			return floorResult{}, err
		}
	}
	sdk, az := make([]time.Duration, 0, rounds), make([]time.Duration, 0, rounds)
	for i := range rounds {
		// Alternate which goes first, so neither always follows the other.
		first, second, a, b := bare, full, &sdk, &az
		if i%2 == 1 {
			first, second, a, b = full, bare, &az, &sdk
		}
		for _, step := range []struct {
			fn  func() error
			out *[]time.Duration
		}{{first, a}, {second, b}} {
			start := time.Now()
			if err := step.fn(); err != nil {
				return floorResult{}, err
			}
			*step.out = append(*step.out, time.Since(start))
		}
	}
	return floorResult{Rounds: rounds, SDK: median(sdk), Authorizer: median(az)}, nil
}

// scalingResult is the authorizer for a user in Workspaces workspaces,
// with the authorizer cache on (every membership read, every workspace in
// the policy) or off (Config.NarrowReads: the request's workspace only).
type scalingResult struct {
	Workspaces  int
	Cache       string // "on" or "off"
	Runs        int
	Authorizer  time.Duration // median Handle
	ReadUnits   float64       // the user read's consumed read capacity
	PolicyBytes int           // the policy document's JSON
	Bytes       int           // the whole response's JSON (policy and context)
	Mode        string        // the policy's form (access.Result.Mode)
}

// scalingWorkspaces are the membership counts measureScaling seeds.
var scalingWorkspaces = []int{1, 10, 100, 1000}

// measureScaling seeds one user per count with that many workspaces and a
// key, and measures the authorizer's uncached Allow for each, as a stack
// with the cache on and one with it off answers it: time, the read units of
// its user read (the same read, asked for its consumed capacity), and the
// size of what it returns to API Gateway.
func measureScaling(ctx context.Context, f *fixture) ([]scalingResult, error) {
	st := store.New(f.client, f.table)
	// The decision log line names the policy's form.
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, nil))
	handlers := map[string]*authorizer.Handler{
		"on":  authorizer.New(st, authorizer.Config{}, logger),
		"off": authorizer.New(st, authorizer.Config{NarrowReads: true}, logger),
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	var out []scalingResult
	for _, n := range scalingWorkspaces {
		userID := fmt.Sprintf("scale%d", n)
		if err := st.PutUser(ctx, keys.User{ID: userID, Name: userID, Email: userID + "@example.com", CreatedAt: now}); err != nil {
			return nil, err
		}
		for i := range n {
			ws := fmt.Sprintf("ws%dx%d", n, i)
			if err := st.PutWorkspace(ctx, keys.Workspace{ID: ws, Name: "Workspace " + ws, CreatedAt: now}); err != nil {
				return nil, err
			}
			if err := st.PutMembership(ctx, keys.Membership{UserID: userID, WorkspaceID: ws, Role: keys.RoleAdmin, CreatedAt: now}); err != nil {
				return nil, err
			}
		}
		gen, err := apikey.Generate(apikey.DefaultPrefix)
		if err != nil {
			return nil, err
		}
		if err := st.CreateKey(ctx, keys.NewKey(gen, userID, "scaling", keys.AllScopes, now, nil), nil); err != nil {
			return nil, err
		}
		for _, cache := range []string{"on", "off"} {
			h := handlers[cache]
			// A request that names one of the user's workspaces.
			ev := reliability.AuthorizerEvent(gen.Token)
			ws := fmt.Sprintf("ws%dx0", n)
			ev.Resource, ev.Path = "/open/workspace/{workspaceId}", "/open/workspace/"+ws
			ev.PathParameters = map[string]string{"workspaceId": ws}
			ev.MethodArn = "arn:aws:execute-api:us-east-1:123456789012:keygatelcl/Prod/GET/open/workspace/" + ws
			runs := 200
			if n >= 1000 && cache == "on" {
				runs = 50
			}
			var resp events.APIGatewayCustomAuthorizerResponse
			times := make([]time.Duration, 0, runs)
			for i := range runs + 10 {
				start := time.Now()
				if resp, err = h.Handle(ctx, ev); err != nil {
					return nil, fmt.Errorf("scaling %d: %w", n, err)
				}
				if i >= 10 { // the first ten warm up
					times = append(times, time.Since(start))
				}
			}
			units, err := userQueryUnits(ctx, f, userID)
			if cache == "off" {
				units, err = userBatchUnits(ctx, f, userID, ws)
			}
			if err != nil {
				return nil, err
			}
			logs.Reset()
			if resp, err = h.Handle(ctx, ev); err != nil {
				return nil, fmt.Errorf("scaling %d: %w", n, err)
			}
			var line struct {
				PolicyMode string `json:"policyMode"`
			}
			if err := json.Unmarshal(logs.Bytes(), &line); err != nil {
				return nil, fmt.Errorf("scaling %d: decision log: %w", n, err)
			}
			policy, _ := json.Marshal(resp.PolicyDocument)
			whole, _ := json.Marshal(resp)
			out = append(out, scalingResult{Workspaces: n, Cache: cache, Runs: runs, Authorizer: median(times), ReadUnits: units,
				PolicyBytes: len(policy), Bytes: len(whole), Mode: line.PolicyMode})
		}
	}
	return out, nil
}

// userBatchUnits runs the cache-off read (store.PrincipalFor's
// BatchGetItem of the profile and one membership) with
// ReturnConsumedCapacity and returns its read units.
func userBatchUnits(ctx context.Context, f *fixture, userID, ws string) (float64, error) {
	key := func(sk string) map[string]types.AttributeValue {
		return map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "USER#" + userID}, "sk": &types.AttributeValueMemberS{Value: sk}}
	}
	out, err := f.client.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{
		RequestItems:           map[string]types.KeysAndAttributes{f.table: {Keys: []map[string]types.AttributeValue{key("USER"), key("WS#" + ws)}, ConsistentRead: aws.Bool(true)}},
		ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal,
	})
	if err != nil {
		return 0, fmt.Errorf("user batch units: %w", err)
	}
	if len(out.Responses[f.table]) != 2 {
		return 0, fmt.Errorf("user batch units: got %d items, want the profile and the membership", len(out.Responses[f.table]))
	}
	var units float64
	for _, c := range out.ConsumedCapacity {
		if c.CapacityUnits != nil {
			units += *c.CapacityUnits
		}
	}
	return units, nil
}

// userQueryUnits runs the authorizer's user Query (every item of
// USER#<id>, strongly consistent, all pages) with ReturnConsumedCapacity
// and sums the read units.
func userQueryUnits(ctx context.Context, f *fixture, userID string) (float64, error) {
	in := &dynamodb.QueryInput{
		TableName:                 aws.String(f.table),
		KeyConditionExpression:    aws.String("pk = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: "USER#" + userID}},
		ConsistentRead:            aws.Bool(true),
		ReturnConsumedCapacity:    types.ReturnConsumedCapacityTotal,
	}
	var units float64
	for {
		out, err := f.client.Query(ctx, in)
		if err != nil {
			return 0, fmt.Errorf("user query units: %w", err)
		}
		if out.ConsumedCapacity != nil {
			units += aws.ToFloat64(out.ConsumedCapacity.CapacityUnits)
		}
		if len(out.LastEvaluatedKey) == 0 {
			return units, nil
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
}

package templatecheck_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"keygate/shared/store"
)

// TestTableMatchesStore: the deployed table is the one the store's Go code creates locally:
// same keys, attribute types, gsi1 and TTL attribute, plus the production settings.
func TestTableMatchesStore(t *testing.T) {
	tbl := loadTemplate(t, map[string]string{"KeysTable": "keygate-test"}).Table
	def := store.TableDefinition("keygate-test")

	var hash, rng string
	for _, k := range def.KeySchema {
		if k.KeyType == types.KeyTypeHash {
			hash = aws.ToString(k.AttributeName)
		} else {
			rng = aws.ToString(k.AttributeName)
		}
	}
	wantGSIs := map[string][2]string{}
	wantProj := map[string]string{}
	for _, g := range def.GlobalSecondaryIndexes {
		var gk [2]string
		for _, k := range g.KeySchema {
			if k.KeyType == types.KeyTypeHash {
				gk[0] = aws.ToString(k.AttributeName)
			} else {
				gk[1] = aws.ToString(k.AttributeName)
			}
		}
		wantGSIs[aws.ToString(g.IndexName)] = gk
		wantProj[aws.ToString(g.IndexName)] = string(g.Projection.ProjectionType)
	}
	wantTypes := map[string]string{}
	for _, a := range def.AttributeDefinitions {
		wantTypes[aws.ToString(a.AttributeName)] = string(a.AttributeType)
	}

	checks := []struct {
		name      string
		got, want any
	}{
		{"name (!Ref override)", tbl.Name, "keygate-test"},
		{"hash key", tbl.HashKey, hash},
		{"range key", tbl.RangeKey, rng},
		{"attribute types", tbl.AttributeTypes, wantTypes},
		{"gsis", tbl.GSIs, wantGSIs},
		{"gsi1 present", tbl.GSIs[store.GSI1Name] != [2]string{}, true},
		{"gsi projections", tbl.GSIProjections, wantProj},
		{"billing mode", tbl.BillingMode, string(def.BillingMode)},
		{"ttl attribute", tbl.TTLAttribute, store.TTLAttribute},
		{"stream view", tbl.StreamView, string(store.StreamView)},
		{"point-in-time recovery", tbl.PointInTimeRecovery, true},
		{"the AWS owned key by default (encrypted at rest, no KMS charges)", tbl.SSE, false},
		{"the AWS managed KMS key on request", loadTemplate(t, map[string]string{"TableKmsEncryption": "true"}).Table.SSE, true},
		{"deletion policy", tbl.DeletionPolicy, "Retain"},
		{"update replace policy", tbl.UpdateReplacePolicy, "Retain"},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if !equalAny(c.got, c.want) {
				t.Errorf("got %v, want %v", c.got, c.want)
			}
		})
	}
}

package samtemplate

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// table reads the DynamoDB table: KeysTable, else the first AWS::DynamoDB::Table by logical ID.
func table(r *resolver) (Table, error) {
	id := ""
	for _, k := range sortedKeys(r.resources) {
		if typeOf(r.resources[k]) == "AWS::DynamoDB::Table" && (id == "" || k == "KeysTable") {
			id = k
		}
	}
	if id == "" {
		return Table{}, nil
	}
	res := r.resources[id]
	props := get(res, "Properties")
	t := Table{
		AttributeTypes: map[string]string{},
		GSIs:           map[string][2]string{},
		GSIProjections: map[string]string{},
	}
	var err error
	if t.Name, err = r.ref(id); err != nil {
		return t, err
	}
	for key, dst := range map[string]*string{"DeletionPolicy": &t.DeletionPolicy, "UpdateReplacePolicy": &t.UpdateReplacePolicy} {
		if v := get(res, key); v != nil {
			*dst = v.Value
		}
	}
	str := func(n *yaml.Node) string { // errors surface as "" and fail the caller's checks
		s, _ := r.str(n)
		return s
	}
	t.BillingMode = str(get(props, "BillingMode"))
	if t.BillingMode == "" {
		t.BillingMode = "PROVISIONED"
	}
	for _, a := range seq(get(props, "AttributeDefinitions")) {
		t.AttributeTypes[str(get(a, "AttributeName"))] = str(get(a, "AttributeType"))
	}
	t.HashKey, t.RangeKey = keySchema(str, get(props, "KeySchema"))
	for _, g := range seq(get(props, "GlobalSecondaryIndexes")) {
		name := str(get(g, "IndexName"))
		h, rk := keySchema(str, get(g, "KeySchema"))
		t.GSIs[name] = [2]string{h, rk}
		t.GSIProjections[name] = str(get(get(g, "Projection"), "ProjectionType"))
	}
	if ttl := get(props, "TimeToLiveSpecification"); ttl != nil && str(get(ttl, "Enabled")) == "true" {
		t.TTLAttribute = str(get(ttl, "AttributeName"))
	}
	t.StreamView = str(get(get(props, "StreamSpecification"), "StreamViewType"))
	t.PointInTimeRecovery = str(get(get(props, "PointInTimeRecoverySpecification"), "PointInTimeRecoveryEnabled")) == "true"
	t.SSE = str(get(get(props, "SSESpecification"), "SSEEnabled")) == "true"
	if t.HashKey == "" {
		return t, fmt.Errorf("%s: no HASH key", id)
	}
	return t, nil
}

func keySchema(str func(*yaml.Node) string, n *yaml.Node) (hash, rng string) {
	for _, k := range seq(n) {
		switch str(get(k, "KeyType")) {
		case "HASH":
			hash = str(get(k, "AttributeName"))
		case "RANGE":
			rng = str(get(k, "AttributeName"))
		}
	}
	return hash, rng
}

// seq returns a sequence node's items (nil for anything else).
func seq(n *yaml.Node) []*yaml.Node {
	n = deref(n)
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	out := make([]*yaml.Node, len(n.Content))
	for i, c := range n.Content {
		out[i] = deref(c)
	}
	return out
}

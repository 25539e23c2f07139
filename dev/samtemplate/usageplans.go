package samtemplate

import (
	"fmt"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// usagePlans reads the AWS::ApiGateway::UsagePlan resources and, through
// the AWS::ApiGateway::UsagePlanKey resources, the values of their API
// keys (AWS::ApiGateway::ApiKey with a Value).
func usagePlans(r *resolver) ([]UsagePlan, error) {
	byID := map[string]*UsagePlan{}
	var order []string
	for _, id := range sortedKeys(r.resources) {
		res := r.resources[id]
		if typeOf(res) != "AWS::ApiGateway::UsagePlan" {
			continue
		}
		p := get(res, "Properties")
		up := &UsagePlan{ID: id}
		var err error
		th := get(p, "Throttle")
		if v := get(th, "RateLimit"); v != nil {
			f, err := strconv.ParseFloat(v.Value, 64)
			if err != nil {
				return nil, fmt.Errorf("%s.Throttle.RateLimit %q: %w", id, v.Value, err)
			}
			up.RateLimit = &f
		}
		if up.BurstLimit, err = optInt(get(th, "BurstLimit"), id+".Throttle.BurstLimit"); err != nil {
			return nil, err
		}
		q := get(p, "Quota")
		if up.QuotaLimit, err = optInt(get(q, "Limit"), id+".Quota.Limit"); err != nil {
			return nil, err
		}
		if v := get(q, "Period"); v != nil {
			up.QuotaPeriod = strings.ToUpper(v.Value)
		}
		if get(p, "QuotaSettings") != nil || get(p, "ThrottleSettings") != nil {
			return nil, fmt.Errorf("%s: use Throttle and Quota", id)
		}
		byID[id] = up
		order = append(order, id)
	}
	for _, id := range sortedKeys(r.resources) {
		res := r.resources[id]
		if typeOf(res) != "AWS::ApiGateway::UsagePlanKey" {
			continue
		}
		p := get(res, "Properties")
		planID, keyID := refName(get(p, "UsagePlanId")), refName(get(p, "KeyId"))
		plan, ok := byID[planID]
		if !ok {
			return nil, fmt.Errorf("%s: UsagePlanId %q is not a usage plan of the template", id, planID)
		}
		key := r.resources[keyID]
		if typeOf(key) != "AWS::ApiGateway::ApiKey" {
			return nil, fmt.Errorf("%s: KeyId %q is not an API key of the template", id, keyID)
		}
		value, err := r.str(get(get(key, "Properties"), "Value"))
		if err != nil {
			return nil, fmt.Errorf("%s.Value: %w", keyID, err)
		}
		plan.KeyValues = append(plan.KeyValues, value)
	}
	out := make([]UsagePlan, 0, len(order))
	for _, id := range order {
		out = append(out, *byID[id])
	}
	return out, nil
}

// refName is the logical id a !Ref node names ("" otherwise).
func refName(n *yaml.Node) string {
	if n == nil || n.Tag != "!Ref" {
		return ""
	}
	return n.Value
}

func optInt(n *yaml.Node, what string) (*int, error) {
	if n == nil {
		return nil, nil
	}
	i, err := strconv.Atoi(n.Value)
	if err != nil {
		return nil, fmt.Errorf("%s %q: %w", what, n.Value, err)
	}
	return &i, nil
}

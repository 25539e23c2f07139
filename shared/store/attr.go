package store

import (
	"keygate/shared/keys"
	"net/netip"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Item type markers, kept on every item so a scan of the table reads plainly.
const (
	typeUser       = "user"
	typeWorkspace  = "workspace"
	typeMembership = "membership"
	typeKey        = "key"
	// typeLane is one lane of a hot key (lanes.go): its share of the
	// key's limits and its count, under KEY#<keyId>#<lane>.
	typeLane = "lane"
)

// Key prefixes of the single-table design.
const (
	prefixUser = "USER#"
	prefixWS   = "WS#"
	prefixKey  = "KEY#"
	skUser     = "USER"
	skWS       = "WS"
	skKey      = "KEY"
)

func userPK(id string) string { return prefixUser + id }
func wsPK(id string) string   { return prefixWS + id }
func keyPK(id string) string  { return prefixKey + id }

// The primary keys of the item types.
func userItemKey(id string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{AttrPK: str(userPK(id)), AttrSK: str(skUser)}
}

func wsItemKey(id string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{AttrPK: str(wsPK(id)), AttrSK: str(skWS)}
}

func membershipItemKey(userID, workspaceID string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{AttrPK: str(userPK(userID)), AttrSK: str(wsPK(workspaceID))}
}

func keyItemKey(id string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{AttrPK: str(keyPK(id)), AttrSK: str(skKey)}
}

// sortTime is the fixed-width UTC form used inside sort keys, so that
// lexicographic order is time order.
const sortTime = "2006-01-02T15:04:05.000Z"

func str(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }

func num(v int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(v, 10)}
}

func boolean(v bool) types.AttributeValue { return &types.AttributeValueMemberBOOL{Value: v} }

// millis stores times as epoch milliseconds so conditions compare numbers.
func millis(t time.Time) types.AttributeValue { return num(t.UnixMilli()) }

func getS(item map[string]types.AttributeValue, name string) string {
	if v, ok := item[name].(*types.AttributeValueMemberS); ok {
		return v.Value
	}
	return ""
}

func getN(item map[string]types.AttributeValue, name string) (int64, bool) {
	v, ok := item[name].(*types.AttributeValueMemberN)
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(v.Value, 10, 64)
	return n, err == nil
}

func getBool(item map[string]types.AttributeValue, name string) bool {
	v, ok := item[name].(*types.AttributeValueMemberBOOL)
	return ok && v.Value
}

func getTime(item map[string]types.AttributeValue, name string) time.Time {
	n, ok := getN(item, name)
	if !ok {
		return time.Time{}
	}
	return time.UnixMilli(n).UTC()
}

func getTimePtr(item map[string]types.AttributeValue, name string) *time.Time {
	n, ok := getN(item, name)
	if !ok {
		return nil
	}
	t := time.UnixMilli(n).UTC()
	return &t
}

func getScopes(item map[string]types.AttributeValue, name string) []keys.Scope {
	l, ok := item[name].(*types.AttributeValueMemberL)
	if !ok {
		return nil
	}
	out := make([]keys.Scope, 0, len(l.Value))
	for _, v := range l.Value {
		if s, ok := v.(*types.AttributeValueMemberS); ok {
			out = append(out, keys.Scope(s.Value))
		}
	}
	return out
}

// attrAllowedCIDRs holds a key's allowlist: a list of CIDR strings in
// canonical order (a list, not a set: DynamoDB has no empty sets, and the
// order is the one ParseCIDRs gives).
const attrAllowedCIDRs = "allowedCidrs"

func cidrsValue(ps []netip.Prefix) types.AttributeValue {
	l := make([]types.AttributeValue, len(ps))
	for i, p := range ps {
		l[i] = str(p.String())
	}
	return &types.AttributeValueMemberL{Value: l}
}

// getCIDRs decodes an allowlist; an entry that does not parse (never
// written by keygate) makes the list match nothing rather than everything.
func getCIDRs(item map[string]types.AttributeValue, name string) []netip.Prefix {
	l, ok := item[name].(*types.AttributeValueMemberL)
	if !ok {
		return nil
	}
	out := make([]netip.Prefix, 0, len(l.Value))
	for _, v := range l.Value {
		s, ok := v.(*types.AttributeValueMemberS)
		if !ok {
			return []netip.Prefix{}
		}
		p, err := netip.ParsePrefix(s.Value)
		if err != nil {
			return []netip.Prefix{}
		}
		out = append(out, p)
	}
	return out
}

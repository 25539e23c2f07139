package store

import (
	"keygate/shared/keys"
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

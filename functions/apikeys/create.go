package apikeys

import (
	"net/http"
	"time"

	"keygate/shared/access"
	"keygate/shared/apperr"
	"keygate/shared/httpapi"
	"keygate/shared/keys"
)

// createRequest is the body of POST /open/apikeys.
type createRequest struct {
	Name         *string           `json:"name"`
	Scopes       *[]string         `json:"scopes"`
	ExpiresAt    *string           `json:"expiresAt"`
	AllowedCIDRs *[]string         `json:"allowedCidrs"`
	RateLimit    *rateLimitRequest `json:"rateLimit"`
	Quota        *quotaRequest     `json:"quota"`
}

// create handles POST /open/apikeys: a new key for the caller, its token
// returned this once.
func (f *Function) create(w http.ResponseWriter, r *http.Request, c access.Caller) error {
	var in createRequest
	if err := httpapi.DecodeJSON(r, &in); err != nil {
		return err
	}
	req, err := in.toDomain()
	if err != nil {
		return err
	}
	issued, err := f.keys.Create(r.Context(), c.Keys(), req)
	if err != nil {
		return err
	}
	f.logger.InfoContext(r.Context(), "api key created", "userId", c.UserID, "keyId", issued.Key.ID, "byKeyId", c.KeyID)
	httpapi.JSON(w, http.StatusCreated, issued.View(f.keys.Now()))
	return nil
}

// parseTime reads an RFC 3339 date-time field.
func parseTime(field, s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, apperr.Errorf(apperr.BadRequest, "%s must be an RFC 3339 date-time such as 2030-01-02T15:04:05Z", field)
	}
	return t, nil
}

// toDomain checks the fields' syntax; the rules are keys.Service's.
func (in createRequest) toDomain() (keys.CreateRequest, error) {
	if in.Name == nil {
		return keys.CreateRequest{}, apperr.Errorf(apperr.BadRequest, "name is required")
	}
	req := keys.CreateRequest{Name: *in.Name}
	if in.Scopes != nil {
		scopes, err := keys.ParseScopes(*in.Scopes)
		if err != nil {
			return keys.CreateRequest{}, err
		}
		req.Scopes = scopes
	}
	if in.ExpiresAt != nil {
		t, err := parseTime("expiresAt", *in.ExpiresAt)
		if err != nil {
			return keys.CreateRequest{}, err
		}
		req.ExpiresAt = &t
	}
	if in.AllowedCIDRs != nil {
		cidrs, err := keys.ParseCIDRs(*in.AllowedCIDRs)
		if err != nil {
			return keys.CreateRequest{}, err
		}
		req.AllowedCIDRs = cidrs
	}
	if in.RateLimit != nil {
		r, err := in.RateLimit.toDomain()
		if err != nil {
			return keys.CreateRequest{}, err
		}
		req.RateLimit = &r
	}
	if in.Quota != nil {
		q, err := in.Quota.toDomain()
		if err != nil {
			return keys.CreateRequest{}, err
		}
		req.Quota = &q
	}
	return req, nil
}

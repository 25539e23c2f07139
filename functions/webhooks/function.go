package webhooks

import (
	"log/slog"
	"net/http"
	"time"

	"keygate/shared/access"
	"keygate/shared/apperr"
	"keygate/shared/httpapi"
	"keygate/shared/routes"
	"keygate/shared/webhooks"
)

// Function serves the webhook routes.
type Function struct {
	svc    *webhooks.Service
	logger *slog.Logger
	httpapi.Lambda
}

// New builds the function once per Lambda instance.
func New(cfg Config, svc *webhooks.Service) (*Function, error) {
	f := &Function{svc: svc, logger: cfg.Logger}
	if f.logger == nil {
		f.logger = slog.Default()
	}
	handlers := map[string]httpapi.KeyHandlerFunc{
		"GET /open/webhooks":                            f.list,
		"POST /open/webhooks":                           f.create,
		"GET /open/webhooks/{webhookId}":                f.get,
		"PATCH /open/webhooks/{webhookId}":              f.update,
		"DELETE /open/webhooks/{webhookId}":             f.remove,
		"POST /open/webhooks/{webhookId}/test":          f.test,
		"GET /open/webhooks/{webhookId}/deliveries":     f.deliveries,
		"POST /open/webhooks/{webhookId}/secret/rotate": f.rotateSecret,
	}
	handlers["POST /open/webhooks/{webhookId}/deliveries/{deliveryId}/retry"] = f.retry
	mux, err := httpapi.NewMux(routes.WebhooksFunction, handlers, f.logger)
	if err != nil {
		return nil, err
	}
	f.Lambda = httpapi.NewLambda(mux, httpapi.Options{AllowOrigin: cfg.AllowOrigin, Logger: f.logger})
	return f, nil
}

// Logger is the function's logger.
func (f *Function) Logger() *slog.Logger { return f.logger }

type createRequest struct {
	URL         string   `json:"url"`
	Events      []string `json:"events"`
	Description string   `json:"description"`
}

type updateRequest struct {
	URL         *string   `json:"url"`
	Events      *[]string `json:"events"`
	Description *string   `json:"description"`
	Enabled     *bool     `json:"enabled"`
}

func (f *Function) create(w http.ResponseWriter, r *http.Request, c access.Caller) error {
	var in createRequest
	if err := httpapi.DecodeJSON(r, &in); err != nil {
		return err
	}
	wh, err := f.svc.Create(r.Context(), c.Keys(), webhooks.CreateInput{URL: in.URL, Events: in.Events, Description: in.Description})
	if err != nil {
		return err
	}
	// The secret is in this answer only: never logged.
	f.logger.InfoContext(r.Context(), "webhook created", "userId", c.UserID, "webhookId", wh.ID, "byKeyId", c.KeyID)
	httpapi.JSON(w, http.StatusCreated, webhooks.Created{Webhook: wh})
	return nil
}

func (f *Function) list(w http.ResponseWriter, r *http.Request, c access.Caller) error {
	ws, err := f.svc.List(r.Context(), c.Keys())
	if err != nil {
		return err
	}
	if ws == nil {
		ws = []webhooks.Webhook{}
	}
	httpapi.JSON(w, http.StatusOK, struct {
		Webhooks []webhooks.Webhook `json:"webhooks"`
	}{ws})
	return nil
}

func (f *Function) get(w http.ResponseWriter, r *http.Request, c access.Caller) error {
	wh, err := f.svc.Get(r.Context(), c.Keys(), r.PathValue("webhookId"))
	if err != nil {
		return err
	}
	httpapi.JSON(w, http.StatusOK, wh)
	return nil
}

func (f *Function) update(w http.ResponseWriter, r *http.Request, c access.Caller) error {
	var in updateRequest
	if err := httpapi.DecodeJSON(r, &in); err != nil {
		return err
	}
	wh, err := f.svc.Update(r.Context(), c.Keys(), r.PathValue("webhookId"), webhooks.UpdateInput{URL: in.URL, Events: in.Events, Description: in.Description, Enabled: in.Enabled})
	if err != nil {
		return err
	}
	f.logger.InfoContext(r.Context(), "webhook updated", "userId", c.UserID, "webhookId", wh.ID, "byKeyId", c.KeyID)
	httpapi.JSON(w, http.StatusOK, wh)
	return nil
}

func (f *Function) remove(w http.ResponseWriter, r *http.Request, c access.Caller) error {
	id := r.PathValue("webhookId")
	if err := f.svc.Delete(r.Context(), c.Keys(), id); err != nil {
		return err
	}
	f.logger.InfoContext(r.Context(), "webhook deleted", "userId", c.UserID, "webhookId", id, "byKeyId", c.KeyID)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (f *Function) test(w http.ResponseWriter, r *http.Request, c access.Caller) error {
	id, err := f.svc.Test(r.Context(), c.Keys(), r.PathValue("webhookId"))
	if err != nil {
		return err
	}
	httpapi.JSON(w, http.StatusAccepted, map[string]string{"deliveryId": id})
	return nil
}

func (f *Function) deliveries(w http.ResponseWriter, r *http.Request, c access.Caller) error {
	ds, err := f.svc.Deliveries(r.Context(), c.Keys(), r.PathValue("webhookId"))
	if err != nil {
		return err
	}
	if ds == nil {
		ds = []webhooks.Delivery{}
	}
	httpapi.JSON(w, http.StatusOK, struct {
		Deliveries []webhooks.Delivery `json:"deliveries"`
	}{ds})
	return nil
}

type rotateSecretRequest struct {
	OverlapSeconds *int64 `json:"overlapSeconds"`
}

// rotateSecret issues a new signing secret, shown in this answer only; the
// replaced one keeps signing for the overlap.
func (f *Function) rotateSecret(w http.ResponseWriter, r *http.Request, c access.Caller) error {
	var in rotateSecretRequest
	if err := httpapi.DecodeOptionalJSON(r, &in); err != nil {
		return err
	}
	var overlap *time.Duration
	if in.OverlapSeconds != nil {
		if *in.OverlapSeconds < 0 || *in.OverlapSeconds > int64(webhooks.MaxOverlap/time.Second) {
			return apperr.Errorf(apperr.BadRequest, "overlapSeconds: from 0 to %d (7 days)", int64(webhooks.MaxOverlap/time.Second))
		}
		o := time.Duration(*in.OverlapSeconds) * time.Second
		overlap = &o
	}
	rot, err := f.svc.RotateSecret(r.Context(), c.Keys(), r.PathValue("webhookId"), overlap)
	if err != nil {
		return err
	}
	// The secret is in this answer only: never logged.
	f.logger.InfoContext(r.Context(), "webhook secret rotated", "userId", c.UserID, "webhookId", rot.ID, "byKeyId", c.KeyID)
	httpapi.JSON(w, http.StatusOK, rot)
	return nil
}

// retry queues a dead-lettered, skipped or stuck delivery again: the same
// delivery id, a new series of attempts.
func (f *Function) retry(w http.ResponseWriter, r *http.Request, c access.Caller) error {
	d, err := f.svc.Retry(r.Context(), c.Keys(), r.PathValue("webhookId"), r.PathValue("deliveryId"))
	if err != nil {
		return err
	}
	f.logger.InfoContext(r.Context(), "webhook delivery retried", "userId", c.UserID, "webhookId", d.WebhookID, "deliveryId", d.ID, "byKeyId", c.KeyID)
	httpapi.JSON(w, http.StatusAccepted, map[string]string{"deliveryId": d.ID, "status": string(d.Status)})
	return nil
}

package webhooks

import (
	"context"
	"fmt"
)

// Tasks fans t out: one Task per endpoint of t's user that wants it (the
// one endpoint of a ping). No HTTP happens here — the stream handler only
// enqueues what each endpoint's worker attempts — so no receiver can hold
// the stream. An endpoint deleted since is no task.
func Tasks(ctx context.Context, st Store, t Trigger) ([]Task, error) {
	var targets []Webhook
	if t.WebhookID != "" {
		w, err := st.GetWebhook(ctx, t.UserID, t.WebhookID)
		switch {
		case isNotFound(err):
			return nil, nil
		case err != nil:
			return nil, err
		}
		targets = []Webhook{w}
	} else {
		all, err := st.ListWebhooks(ctx, t.UserID)
		if err != nil {
			return nil, err
		}
		for _, w := range all {
			if w.Wants(t.Type) {
				targets = append(targets, w)
			}
		}
	}
	tasks := make([]Task, 0, len(targets))
	for _, w := range targets {
		id := DeliveryID(w.ID, t.EventID)
		body, err := Body(id, t.Type, t.At, t.Data)
		if err != nil {
			return nil, fmt.Errorf("webhooks: encode %s: %w", id, err)
		}
		tasks = append(tasks, Task{DeliveryID: id, WebhookID: w.ID, UserID: w.UserID, Type: t.Type,
			EventID: t.EventID, EventAt: t.At, Body: string(body), Attempt: 1})
	}
	return tasks, nil
}

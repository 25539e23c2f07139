package main

import (
	"strconv"
	"strings"

	"keygate/shared/keys"
	"keygate/shared/webhooks"
)

// webhookService is the webhook use cases on the table: changes are
// audited as the operator's, test pings capped as the API's. http:// to
// loopback is allowed only against a custom endpoint (the local stack).
func (c *cli) webhookService() (*webhooks.Service, error) {
	st, err := c.connect()
	if err != nil {
		return nil, err
	}
	retention, err := c.auditRetention()
	if err != nil {
		return nil, err
	}
	return webhooks.NewService(st, webhooks.ServiceConfig{AllowLoopbackHTTP: c.g.endpoint != "", AuditRetention: retention}), nil
}

// printWebhook prints an endpoint: with --json the API's shape (its secret
// only when created is set).
func (c *cli) printWebhook(w webhooks.Webhook, created bool) error {
	var v any = w
	if created {
		v = webhooks.Created{Webhook: w}
	}
	return c.emit(v, func() error {
		pairs := []string{"id", w.ID, "url", w.URL, "events", joinEvents(w.Events), "description", w.Description, "created", keys.FormatTime(w.CreatedAt)}
		pairs = append(pairs, "enabled", strconv.FormatBool(!w.Disabled()))
		if w.Disabled() {
			pairs = append(pairs, "disabled", keys.FormatTime(w.DisabledAt)+" ("+string(w.DisabledReason)+")")
		}
		if !w.FailingSince.IsZero() {
			pairs = append(pairs, "failing since", keys.FormatTime(w.FailingSince))
		}
		if created {
			pairs = append(pairs, "secret", w.Secret+"   (shown this only time: it signs every delivery)")
		}
		return c.printFields(pairs...)
	})
}

func joinEvents(ts []webhooks.EventType) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = string(t)
	}
	return strings.Join(s, ",")
}

// parseWebhook parses a webhook command's arguments, then builds the use
// cases: the start of every webhook command.
func (c *cli) parseWebhook(fs *flagSet, args []string) ([]string, *webhooks.Service, error) {
	pos, err := fs.parse(args)
	if err != nil {
		return nil, nil, err
	}
	svc, err := c.webhookService()
	return pos, svc, err
}

func splitEvents(s string) []string {
	var out []string
	for _, e := range strings.Split(s, ",") {
		if e = strings.TrimSpace(e); e != "" {
			out = append(out, e)
		}
	}
	return out
}

// webhookCreate: keygate webhook create <userId> --url U --events a,b [--description D]
func (c *cli) webhookCreate(args []string) error {
	fs := c.newFlagSet("webhook create", "<userId>", "Register a webhook endpoint for a user and print its signing secret, once.")
	url := fs.String("url", "", "the endpoint's `url` (https://, a public host)")
	events := fs.String("events", "", "comma-separated event `types`: key.created, key.updated, key.rotated, key.revoked, "+
		"webhook.created, webhook.updated, webhook.deleted, webhook.disabled, webhook.delivery_retried, membership.added, membership.updated, membership.removed")
	desc := fs.String("description", "", "a `description`")
	pos, svc, err := c.parseWebhook(fs, args)
	if err != nil {
		return err
	}
	w, err := svc.Create(c.ctx, c.operator(pos[0]), webhooks.CreateInput{URL: *url, Events: splitEvents(*events), Description: *desc})
	if err != nil {
		return err
	}
	return c.printWebhook(w, true)
}

// webhookList: keygate webhook ls <userId>
func (c *cli) webhookList(args []string) error {
	fs := c.newFlagSet("webhook ls", "<userId>", "List a user's webhook endpoints, newest first (never their secrets).")
	pos, svc, err := c.parseWebhook(fs, args)
	if err != nil {
		return err
	}
	ws, err := svc.List(c.ctx, c.operator(pos[0]))
	if err != nil {
		return err
	}
	rows := make([][]string, len(ws))
	for i, w := range ws {
		rows[i] = []string{w.ID, w.URL, joinEvents(w.Events), keys.FormatTime(w.CreatedAt)}
	}
	if ws == nil {
		ws = []webhooks.Webhook{}
	}
	return c.emit(ws, func() error { return c.printTable([]string{"ID", "URL", "EVENTS", "CREATED"}, rows) })
}

// webhookGet: keygate webhook get <userId> <webhookId>
func (c *cli) webhookGet(args []string) error {
	fs := c.newFlagSet("webhook get", "<userId> <webhookId>", "Show one webhook endpoint.")
	pos, svc, err := c.parseWebhook(fs, args)
	if err != nil {
		return err
	}
	w, err := svc.Get(c.ctx, c.operator(pos[0]), pos[1])
	if err != nil {
		return err
	}
	return c.printWebhook(w, false)
}

// webhookUpdate: keygate webhook update <userId> <webhookId> [--url] [--events] [--description]
func (c *cli) webhookUpdate(args []string) error {
	fs := c.newFlagSet("webhook update", "<userId> <webhookId>", "Change a webhook endpoint's url, events or description, or enable it again (--enabled=true) once fixed.")
	url := fs.String("url", "", "the new `url`")
	events := fs.String("events", "", "the new comma-separated event `types`")
	desc := fs.String("description", "", "the new `description`")
	enabled := fs.Bool("enabled", false, "true enables a disabled endpoint (clearing its failing streak), false disables it")
	pos, svc, err := c.parseWebhook(fs, args)
	if err != nil {
		return err
	}
	var in webhooks.UpdateInput
	if fs.isSet("url") {
		in.URL = url
	}
	if fs.isSet("events") {
		e := splitEvents(*events)
		in.Events = &e
	}
	if fs.isSet("description") {
		in.Description = desc
	}
	if fs.isSet("enabled") {
		in.Enabled = enabled
	}
	w, err := svc.Update(c.ctx, c.operator(pos[0]), pos[1], in)
	if err != nil {
		return err
	}
	return c.printWebhook(w, false)
}

// webhookRemove: keygate webhook rm <userId> <webhookId>
func (c *cli) webhookRemove(args []string) error {
	fs := c.newFlagSet("webhook rm", "<userId> <webhookId>", "Delete a webhook endpoint.")
	pos, svc, err := c.parseWebhook(fs, args)
	if err != nil {
		return err
	}
	if err := svc.Delete(c.ctx, c.operator(pos[0]), pos[1]); err != nil {
		return err
	}
	return c.emit(map[string]any{"id": pos[1], "deleted": true}, func() error { return c.printFields("deleted", pos[1]) })
}

// webhookTest: keygate webhook test <userId> <webhookId>
func (c *cli) webhookTest(args []string) error {
	fs := c.newFlagSet("webhook test", "<userId> <webhookId>",
		"Queue a ping to a webhook endpoint (at most 5 per endpoint and 20 per user in any minute, as through the API); see its delivery with 'webhook deliveries'.")
	pos, svc, err := c.parseWebhook(fs, args)
	if err != nil {
		return err
	}
	id, err := svc.Test(c.ctx, c.operator(pos[0]), pos[1])
	if err != nil {
		return err
	}
	return c.emit(map[string]string{"deliveryId": id}, func() error { return c.printFields("delivery queued", id) })
}

// webhookDeliveries: keygate webhook deliveries <userId> <webhookId>
func (c *cli) webhookDeliveries(args []string) error {
	fs := c.newFlagSet("webhook deliveries", "<userId> <webhookId>", "List a webhook endpoint's latest deliveries, newest first: status, attempts, last answer, next retry.")
	pos, svc, err := c.parseWebhook(fs, args)
	if err != nil {
		return err
	}
	ds, err := svc.Deliveries(c.ctx, c.operator(pos[0]), pos[1])
	if err != nil {
		return err
	}
	rows := make([][]string, len(ds))
	for i, d := range ds {
		next := "-"
		if !d.NextRetryAt.IsZero() {
			next = keys.FormatTime(d.NextRetryAt)
		}
		rows[i] = []string{d.ID, string(d.Type), string(d.Status), strconv.Itoa(d.Attempts), strconv.Itoa(d.LastStatusCode), orDash(&d.LastError), next}
	}
	if ds == nil {
		ds = []webhooks.Delivery{}
	}
	return c.emit(ds, func() error {
		return c.printTable([]string{"ID", "TYPE", "STATUS", "ATTEMPTS", "LAST STATUS", "LAST ERROR", "NEXT RETRY"}, rows)
	})
}

// webhookRetry: keygate webhook retry <userId> <webhookId> <deliveryId>
func (c *cli) webhookRetry(args []string) error {
	fs := c.newFlagSet("webhook retry", "<userId> <webhookId> <deliveryId>",
		"Send a dead-lettered, skipped or stuck (an hour past due) delivery again, with the same delivery id, as the API's retry does (audited as webhook.delivery_retried); see it with 'webhook deliveries'.")
	pos, svc, err := c.parseWebhook(fs, args)
	if err != nil {
		return err
	}
	d, err := svc.Retry(c.ctx, c.operator(pos[0]), pos[1], pos[2])
	if err != nil {
		return err
	}
	return c.emit(map[string]string{"deliveryId": d.ID, "status": string(d.Status)}, func() error { return c.printFields("delivery queued again", d.ID) })
}

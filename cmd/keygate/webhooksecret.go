package main

import (
	"keygate/shared/keys"
	"keygate/shared/webhooks"
)

// webhookRotateSecret: keygate webhook rotate-secret <userId> <webhookId> [--overlap 24h]
func (c *cli) webhookRotateSecret(args []string) error {
	fs := c.newFlagSet("webhook rotate-secret", "<userId> <webhookId>",
		"Give a webhook endpoint a new signing secret and print it, once. The replaced secret keeps signing webhook-signature "+
			"(Standard Webhooks) beside the new one for --overlap; X-Webhook-Signature is the new secret's at once.")
	overlap := fs.Duration("overlap", webhooks.DefaultOverlap, "how long the replaced secret keeps signing (whole seconds, at most 168h; 0 ends it at once, for a leaked secret)")
	pos, svc, err := c.parseWebhook(fs, args)
	if err != nil {
		return err
	}
	r, err := svc.RotateSecret(c.ctx, c.operator(pos[0]), pos[1], overlap)
	if err != nil {
		return err
	}
	return c.emit(r, func() error {
		until := "now (no overlap)"
		if !r.PreviousSecretValidUntil.IsZero() {
			until = keys.FormatTime(r.PreviousSecretValidUntil)
		}
		return c.printFields("id", r.ID,
			"secret", r.Secret+"   (shown this only time: it signs every delivery from now on)",
			"old secret signs until", until)
	})
}

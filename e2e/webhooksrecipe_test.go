package e2e

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"keygate/shared/keys"
	"keygate/shared/webhooks"
)

// TestWebhooksLocallyRecipe runs docs/webhooks.md's "Locally" block as
// written, with the local stack make run serves, and expects the
// receiver's verified key.created delivery: the recipe a newcomer copies
// works.
func TestWebhooksLocallyRecipe(t *testing.T) {
	nodeModules(t)
	doc, err := os.ReadFile("../docs/webhooks.md")
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(doc), "<!-- webhooks.md:locally -->\n```bash\n")
	block, _, ok2 := strings.Cut(after, "```")
	if !ok || !ok2 {
		t.Fatal("docs/webhooks.md: no <!-- webhooks.md:locally --> bash block")
	}
	s := newStack(t)
	s.user(t, "demo-user", map[string]keys.Role{"demo-workspace": keys.RoleOwner})
	token := s.key(t, "demo-user")
	srv := s.gateway(t, nil)
	s.deliveries(t, webhooks.DeliverConfig{})
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	// The block as written, after the test's own line: whatever happens,
	// stop the receiver it leaves running in the background.
	cmd := exec.CommandContext(ctx, "bash", "-euo", "pipefail", "-c", "trap 'kill $(jobs -p) 2>/dev/null || true' EXIT\n"+block)
	cmd.Dir = ".."
	cmd.Env = append(os.Environ(), "KEYGATE_URL="+srv.url, "KEYGATE_API_KEY="+token)
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the recipe failed: %v\n%s", err, out)
	}
	last := strings.TrimSpace(string(out))
	if !strings.Contains(last, `"type":"key.created"`) || !strings.Contains(last, `"verified":true`) || !strings.Contains(last, `"status":200`) {
		t.Errorf("the recipe's last lines:\n%s\nwant the verified key.created delivery answered 200", last)
	}
}

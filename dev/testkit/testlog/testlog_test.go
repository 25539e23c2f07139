package testlog

import (
	"strings"
	"testing"
)

func TestFindLeaks(t *testing.T) {
	token := "sk_" + strings.Repeat("A", 65)
	hash := strings.Repeat("ab", 32)
	tests := []struct {
		name    string
		line    string
		secrets []string
		want    int
	}{
		{"clean line", `{"msg":"decision","keyId":"0123456789abcdef","decision":"allow"}`, nil, 0},
		{"token shaped", `{"msg":"x","header":"Bearer ` + token + `"}`, nil, 1},
		{"hash shaped", `{"hash":"` + hash + `"}`, nil, 1},
		{"known secret", `{"msg":"part s3cr3tPart"}`, []string{"s3cr3tPart"}, 1},
		{"empty secret ignored", `{"msg":"x"}`, []string{""}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := len(FindLeaks([]string{tt.line}, tt.secrets...)); got != tt.want {
				t.Errorf("got %d leaks, want %d", got, tt.want)
			}
		})
	}
}

func TestBufferLines(t *testing.T) {
	logger, b := New()
	logger.Info("one")
	b.Logger("gateway").Info("two")
	lines := b.Lines()
	if len(lines) != 2 || !strings.Contains(lines[1], `"component":"gateway"`) {
		t.Errorf("got %q, want two JSON lines, the second tagged gateway", lines)
	}
	b.AssertNoSecrets(t, "not-in-the-logs")
}

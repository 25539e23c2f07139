package webhooks

import (
	"testing"
	"time"
)

func TestDeliveryIDIsStable(t *testing.T) {
	a, b := DeliveryID("wh_1", "evt_1"), DeliveryID("wh_1", "evt_1")
	if a != b || a == DeliveryID("wh_2", "evt_1") || a == DeliveryID("wh_1", "evt_2") {
		t.Errorf("ids %s %s not stable or not distinct", a, b)
	}
}

func TestBody(t *testing.T) {
	b, err := Body("whd_1", "ping", time.Unix(1_800_000_000, 5_000_000), map[string]string{"webhookId": "wh_<1>"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"createdAt":"2027-01-15T08:00:00.005Z","data":{"webhookId":"wh_<1>"},"id":"whd_1","type":"ping"}`; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

package sqsmapping

import (
	"strconv"
	"sync"

	"github.com/aws/aws-lambda-go/events"
)

// receipts counts how many times each message has been received, because
// goaws reports every message's ApproximateReceiveCount as "1": SQS counts
// every receipt ("The number of times a message has been received across
// all queues but not deleted", ApproximateReceiveCount in
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html),
// and a function may use it — keygate's worker doubles its wait for a busy
// endpoint with it. A message deleted after its invocation is forgotten.
type receipts struct {
	mu sync.Mutex
	n  map[string]int
}

// count records one more receipt of rec and sets its
// ApproximateReceiveCount to the larger of the server's and this count.
func (r *receipts) count(rec *events.SQSMessage) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.n == nil {
		r.n = map[string]int{}
	}
	r.n[rec.MessageId]++
	n := r.n[rec.MessageId]
	if got, err := strconv.Atoi(rec.Attributes["ApproximateReceiveCount"]); err == nil && got > n {
		n = got
	}
	rec.Attributes["ApproximateReceiveCount"] = strconv.Itoa(n)
}

// forget drops a deleted message's count.
func (r *receipts) forget(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.n, id)
}

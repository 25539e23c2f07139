package lambdarun

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// routes is the Runtime API.
func (r *Runtime) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+apiPrefix+"/invocation/next", r.next)
	mux.HandleFunc("POST "+apiPrefix+"/invocation/{id}/response", r.response)
	mux.HandleFunc("POST "+apiPrefix+"/invocation/{id}/error", r.invocationError)
	mux.HandleFunc("POST "+apiPrefix+"/init/error", r.initError)
	return mux
}

// next hands the runtime the next event, blocking until there is one.
func (r *Runtime) next(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	if r.firstNext.IsZero() {
		r.firstNext = time.Now()
		close(r.ready)
	}
	r.mu.Unlock()
	select {
	case inv := <-r.queue:
		h := w.Header()
		h.Set("Content-Type", "application/json")
		h.Set("Lambda-Runtime-Aws-Request-Id", inv.id)
		h.Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(inv.deadline.UnixMilli(), 10))
		h.Set("Lambda-Runtime-Invoked-Function-Arn", r.arn)
		h.Set("Lambda-Runtime-Trace-Id", "Root=1-"+strconv.FormatInt(time.Now().Unix(), 16)+"-"+randomHex(12)+";Parent="+randomHex(8)+";Sampled=0")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(inv.payload)
	case <-req.Context().Done():
	case <-r.exited:
	}
}

// take removes and returns the pending invocation named in the path.
func (r *Runtime) take(w http.ResponseWriter, req *http.Request) *invocation {
	id := req.PathValue("id")
	r.mu.Lock()
	inv, ok := r.pending[id]
	if ok {
		delete(r.pending, id)
		if r.firstResp.IsZero() {
			r.firstResp = time.Now()
		}
	}
	r.mu.Unlock()
	if !ok {
		writeStatus(w, http.StatusBadRequest, "InvalidRequestID", "unknown or finished request id "+id)
		return nil
	}
	return inv
}

// response records a function's result.
func (r *Runtime) response(w http.ResponseWriter, req *http.Request) {
	body, err := readBody(req)
	if err != nil {
		writeStatus(w, http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", err.Error())
		return
	}
	inv := r.take(w, req)
	if inv == nil {
		return
	}
	inv.done <- Response{RequestID: inv.id, Payload: body, Duration: time.Since(inv.start)}
	writeStatus(w, http.StatusAccepted, "", "")
}

// invocationError records a function's error for one event.
func (r *Runtime) invocationError(w http.ResponseWriter, req *http.Request) {
	fe := decodeError(req)
	inv := r.take(w, req)
	if inv == nil {
		return
	}
	inv.done <- Response{RequestID: inv.id, Err: fe, Duration: time.Since(inv.start)}
	writeStatus(w, http.StatusAccepted, "", "")
}

// initError records a failed initialization.
func (r *Runtime) initError(w http.ResponseWriter, req *http.Request) {
	fe := decodeError(req)
	r.mu.Lock()
	if r.initErr == nil {
		close(r.initFailed)
	}
	r.initErr = fe
	r.mu.Unlock()
	writeStatus(w, http.StatusAccepted, "", "")
}

// decodeError reads an error body; a body that is not the documented JSON
// is kept as the message, typed by the Lambda-Runtime-Function-Error-Type
// header when present.
func decodeError(req *http.Request) *FunctionError {
	body, _ := readBody(req)
	body = bytes.TrimSpace(body)
	fe := &FunctionError{}
	if json.Unmarshal(body, fe) != nil || (fe.Type == "" && fe.Message == "") {
		fe = &FunctionError{Message: string(body)}
	}
	if fe.Type == "" {
		fe.Type = req.Header.Get("Lambda-Runtime-Function-Error-Type")
	}
	if fe.Type == "" {
		fe.Type = "Unhandled"
	}
	return fe
}

// writeStatus answers the runtime as the Lambda service does.
func writeStatus(w http.ResponseWriter, code int, errType, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	if errType == "" {
		_, _ = w.Write([]byte(`{"status":"OK"}`))
		return
	}
	b, _ := json.Marshal(map[string]string{"errorType": errType, "errorMessage": msg})
	_, _ = w.Write(b)
}

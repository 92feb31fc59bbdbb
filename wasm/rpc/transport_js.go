//go:build js && wasm

package rpc

import (
	"context"
	"errors"
	"io"
	"syscall/js"
)

// FetchTransport sends calls with the browser's fetch API.
func FetchTransport() Transport { return fetchTransport{} }

type fetchTransport struct{}

func (fetchTransport) Post(ctx context.Context, url string, header map[string]string, body []byte) (Reply, []byte, error) {
	res, cancel, err := fetch(ctx, url, header, body)
	if err != nil {
		return Reply{}, nil, err
	}
	defer cancel()
	buf, err := await(res.Call("arrayBuffer"))
	if err != nil {
		return Reply{}, nil, err
	}
	arr := js.Global().Get("Uint8Array").New(buf)
	out := make([]byte, arr.Get("length").Int())
	js.CopyBytesToGo(out, arr)
	return reply(res), out, nil
}

func (fetchTransport) Stream(ctx context.Context, url string, header map[string]string, body []byte) (Reply, io.ReadCloser, error) {
	res, cancel, err := fetch(ctx, url, header, body)
	if err != nil {
		return Reply{}, nil, err
	}
	return reply(res), &streamReader{reader: res.Get("body").Call("getReader"), cancel: cancel}, nil
}

// reply reads the status and the request id (readable cross-origin because the server
// lists it in Access-Control-Expose-Headers).
func reply(res js.Value) Reply {
	r := Reply{Status: res.Get("status").Int()}
	if id := res.Get("headers").Call("get", RequestIDHeader); id.Type() == js.TypeString {
		r.RequestID = id.String()
	}
	return r
}

// fetch starts a POST; the returned cancel aborts it (and is called when ctx ends).
func fetch(ctx context.Context, url string, header map[string]string, body []byte) (js.Value, func(), error) {
	ctrl := js.Global().Get("AbortController").New()
	h := js.Global().Get("Object").New()
	for k, v := range header {
		h.Set(k, v)
	}
	arr := js.Global().Get("Uint8Array").New(len(body))
	js.CopyBytesToJS(arr, body)
	init := js.Global().Get("Object").New()
	init.Set("method", "POST")
	init.Set("headers", h)
	init.Set("body", arr)
	init.Set("signal", ctrl.Get("signal"))
	init.Set("credentials", "omit")
	stop := context.AfterFunc(ctx, func() { ctrl.Call("abort") })
	cancel := func() { stop(); ctrl.Call("abort") }
	res, err := await(js.Global().Call("fetch", url, init))
	if err != nil {
		cancel()
		return js.Value{}, nil, err
	}
	return res, cancel, nil
}

type streamReader struct {
	reader js.Value
	cancel func()
	buf    []byte
	done   bool
}

func (s *streamReader) Read(p []byte) (int, error) {
	for len(s.buf) == 0 {
		if s.done {
			return 0, io.EOF
		}
		chunk, err := await(s.reader.Call("read"))
		if err != nil {
			return 0, err
		}
		if chunk.Get("done").Bool() {
			s.done = true
			continue
		}
		v := chunk.Get("value")
		s.buf = make([]byte, v.Get("length").Int())
		js.CopyBytesToGo(s.buf, v)
	}
	n := copy(p, s.buf)
	s.buf = s.buf[n:]
	return n, nil
}

func (s *streamReader) Close() error { s.cancel(); return nil }

// await blocks the calling goroutine until the promise settles.
func await(p js.Value) (js.Value, error) {
	type result struct {
		v   js.Value
		err error
	}
	ch := make(chan result, 1)
	onOK := js.FuncOf(func(_ js.Value, args []js.Value) any { ch <- result{v: args[0]}; return nil })
	onErr := js.FuncOf(func(_ js.Value, args []js.Value) any {
		msg := "network error"
		if len(args) > 0 && args[0].Truthy() {
			msg = args[0].Call("toString").String()
		}
		ch <- result{err: errors.New(msg)}
		return nil
	})
	defer onOK.Release()
	defer onErr.Release()
	p.Call("then", onOK, onErr)
	r := <-ch
	return r.v, r.err
}

//go:build !js

package rpc

import (
	"bytes"
	"context"
	"io"
	"net/http"
)

// HTTPTransport sends calls with net/http: for native tests of the widget against a real
// server. The WebAssembly build uses FetchTransport instead.
func HTTPTransport(c *http.Client) Transport { return httpTransport{c} }

type httpTransport struct{ c *http.Client }

func (t httpTransport) Post(ctx context.Context, url string, header map[string]string, body []byte) (Reply, []byte, error) {
	rep, rc, err := t.Stream(ctx, url, header, body)
	if err != nil {
		return Reply{}, nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	return rep, b, err
}

func (t httpTransport) Stream(ctx context.Context, url string, header map[string]string, body []byte) (Reply, io.ReadCloser, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return Reply{}, nil, err
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := t.c.Do(req)
	if err != nil {
		return Reply{}, nil, err
	}
	return Reply{Status: res.StatusCode, RequestID: res.Header.Get(RequestIDHeader)}, res.Body, nil
}

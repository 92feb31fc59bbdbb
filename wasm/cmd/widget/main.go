//go:build js && wasm

// Command widget is the end-user KYC widget, compiled to WebAssembly and started by
// app.js on the page server/embed renders. It must stay free of net/http, connect-go
// and grpc-go: the whole widget has to fit in 2 MB of brotli.
package main

import (
	"context"
	"syscall/js"

	"github.com/rampart-id/rampart/wasm/rpc"
	"github.com/rampart-id/rampart/wasm/widget"
)

func main() {
	win := js.Global()
	loc := win.Get("location")
	hash := loc.Get("hash").String()
	if hash != "" {
		// The fragment holds the init token: drop it from the address bar and history
		// at once, so it is not left behind for anyone who looks at or copies the URL.
		win.Get("history").Call("replaceState", win.Get("history").Get("state"), "",
			loc.Get("pathname").String()+loc.Get("search").String())
	}
	// The server rendered the first screen in the language it picked (the page's lang
	// query, else Accept-Language): the widget goes on in the same one unless the
	// fragment names another.
	lang := ""
	if l := win.Get("document").Get("documentElement").Get("lang"); l.Type() == js.TypeString && l.String() != "" {
		lang = l.String()
	} else if l := win.Get("navigator").Get("language"); l.Type() == js.TypeString {
		lang = l.String()
	}
	opts := widget.ParseOptions(hash, lang)
	opts.WidgetID = widget.WidgetIDFromQuery(loc.Get("search").String())
	api := rpc.New(loc.Get("origin").String(), rpc.FetchTransport())
	_ = widget.New(widget.NewJSBrowser(), api, opts).Run(context.Background())
}

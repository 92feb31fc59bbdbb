// Package demo is a stand-in partner: a shop page on its own origin whose backend calls
// POST /widget/session with the partner's client token and embeds the widget. `rampart
// serve --demo` runs it so a person can try the whole flow; browser tests use it as the
// partner page.
package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"html/template"
	"io"
	"net"
	"net/http"
	"time"
)

// Shop is the demo partner site.
type Shop struct {
	RampartURL  string // Rampart's public URL (API and widget)
	ClientToken string // the partner's secret; stays on this backend
	WidgetID    string
}

// Serve runs the shop on ln until ctx ends.
func (s *Shop) Serve(ctx context.Context, ln net.Listener) error {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.page)
	mux.HandleFunc("POST /api/session", s.session)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { <-ctx.Done(); _ = srv.Close() }()
	if err := srv.Serve(ln); err != http.ErrServerClosed {
		return err
	}
	return nil
}

// demoWallet is the BIP-173 example address: real orders are checked, so it must be valid.
const demoWallet = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"

// session asks Rampart for a payment session. Both answers carry a token for the
// widget: 200 (verified user, payment step) and 422 kyc_required (run KYC first).
func (s *Shop) session(w http.ResponseWriter, r *http.Request) {
	var in struct {
		UserID string `json:"user_id"`
		Amount string `json:"amount"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 4096)).Decode(&in); err != nil || in.UserID == "" {
		http.Error(w, `{"error":"user_id required"}`, http.StatusBadRequest)
		return
	}
	if in.Amount == "" {
		in.Amount = "100.00"
	}
	body, _ := json.Marshal(map[string]string{
		"partner_user_id": in.UserID, "user_email": "demo@example.com", "currency": "BTC", "network": "bitcoin",
		"fiat_currency": "EUR", "fiat_amount": in.Amount, "wallet_address": demoWallet,
	})
	req, _ := http.NewRequestWithContext(r.Context(), http.MethodPost, s.RampartURL+"/widget/session", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+s.ClientToken)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		http.Error(w, `{"error":"rampart unreachable"}`, http.StatusBadGateway)
		return
	}
	defer res.Body.Close()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(res.StatusCode)
	_, _ = io.Copy(w, io.LimitReader(res.Body, 64<<10))
}

func (s *Shop) page(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = pageTmpl.Execute(w, s)
}

var pageTmpl = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Demo Shop — buy crypto</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f4f5f7;color:#111}
header{padding:16px 24px;background:#0f172a;color:#fff;font-weight:600}
.wrap{display:flex;flex-wrap:wrap;gap:24px;padding:24px}
form,#kyc{background:#fff;border-radius:12px;padding:20px;box-shadow:0 1px 3px rgba(0,0,0,.1)}
form{flex:1 1 260px;max-width:340px}#kyc{flex:1 1 360px;max-width:420px;align-self:flex-start;padding:0;overflow:hidden}
label{display:block;margin:12px 0 4px;font-size:14px}input{width:100%;box-sizing:border-box;padding:10px;font-size:16px;border:1px solid #ccd;border-radius:8px}
button{margin-top:16px;width:100%;padding:12px;font-size:16px;border:0;border-radius:8px;background:#2563eb;color:#fff;cursor:pointer}
#log{font:12px ui-monospace,monospace;white-space:pre-wrap;color:#555;margin-top:12px}
</style>
<script src="{{.RampartURL}}/embed/rampart.js" data-widget-id="{{.WidgetID}}"></script></head>
<body><header>Demo Shop · powered by Rampart (test mode)</header>
<div class="wrap"><form id="buy"><h2>Buy Bitcoin</h2>
<label for="user">Your user id in this shop</label><input id="user" value="demo-user-1" required>
<label for="amount">Amount (EUR)</label><input id="amount" value="100.00">
<button id="buy-btn" type="submit">Buy BTC</button><div id="log" role="log"></div></form>
<div id="kyc" aria-label="Verification"></div></div>
<script>
var log = function (m) { document.getElementById('log').textContent += m + '\n'; };
window.rampartEvents = [];
document.getElementById('buy').addEventListener('submit', async function (e) {
  e.preventDefault();
  var res = await fetch('/api/session', {method: 'POST', headers: {'Content-Type': 'application/json'},
    body: JSON.stringify({user_id: document.getElementById('user').value, amount: document.getElementById('amount').value})});
  var body = await res.json();
  log(res.status + ' ' + (body.error || body.init_token_type));
  if (!body.init_token) return;
  document.getElementById('kyc').innerHTML = '';
  Rampart.open({initToken: body.init_token, widgetId: body.widget_id, host: '#kyc',
    lang: new URLSearchParams(location.search).get('lang') || undefined,
    onEvent: function (ev) { window.rampartEvents.push(ev); log('event: ' + ev.type + (ev.status ? ' ' + ev.status : '')); }});
});
</script></body></html>`))

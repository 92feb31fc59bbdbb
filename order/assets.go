package order

import (
	"slices"
	"strings"
)

// Asset is a crypto currency on one network, with the decimals its amounts may carry.
type Asset struct {
	Currency string // upper case, e.g. "USDC"
	Network  string // lower case, e.g. "polygon"
	Decimals int
}

// Networks and how their wallet addresses are checked.
const (
	Bitcoin  = "bitcoin"
	Ethereum = "ethereum"
	Polygon  = "polygon"
	Solana   = "solana"
	Tron     = "tron"
)

// assets is the supported table. The first row of a currency is its home network, used
// when a request names none; tokens on several networks have no home and need one named.
var assets = []Asset{
	{"BTC", Bitcoin, 8},
	{"ETH", Ethereum, 18},
	{"POL", Polygon, 18},
	{"SOL", Solana, 9},
	{"TRX", Tron, 6},
	{"USDC", Ethereum, 6},
	{"USDC", Polygon, 6},
	{"USDC", Solana, 6},
	{"USDT", Ethereum, 6},
	{"USDT", Tron, 6},
}

// Assets lists the supported currency and network pairs.
func Assets() []Asset { return slices.Clone(assets) }

// Currencies lists the supported crypto currency codes, sorted.
func Currencies() []string {
	var out []string
	for _, a := range assets {
		if !slices.Contains(out, a.Currency) {
			out = append(out, a.Currency)
		}
	}
	slices.Sort(out)
	return out
}

// NetworksOf lists the networks a currency is supported on, in table order.
func NetworksOf(currency string) []string {
	var out []string
	for _, a := range assets {
		if a.Currency == currency {
			out = append(out, a.Network)
		}
	}
	return out
}

// FindAsset resolves a currency and an optional network (both already normalised).
func FindAsset(currency, network string) (Asset, error) {
	nets := NetworksOf(currency)
	switch {
	case len(nets) == 0:
		return Asset{}, fieldErr("currency", "is not supported (supported: "+strings.Join(Currencies(), ", ")+")")
	case network == "" && len(nets) > 1:
		return Asset{}, fieldErr("network", "is required for "+currency+" (one of "+strings.Join(nets, ", ")+")")
	case network == "":
		network = nets[0]
	}
	for _, a := range assets {
		if a.Currency == currency && a.Network == network {
			return a, nil
		}
	}
	return Asset{}, fieldErr("network", "is not supported for "+currency+" (supported: "+strings.Join(nets, ", ")+")")
}

package face

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/rampart-id/rampart/internal/jsonval"
)

// Weights holds the dequantized tensors of one tfjs weights manifest.
type Weights struct {
	tensors map[string]*param
}

type param struct {
	shape []int
	data  []float32
}

type manifestGroup struct {
	Paths   []string
	Weights []manifestEntry
}

type manifestEntry struct {
	Name         string
	Shape        []int
	Dtype        string
	Quantization *quantization
}

type quantization struct {
	Dtype      string
	Scale, Min float64
}

// decodeManifest reads a tfjs weights manifest: a list of groups with "paths" and
// "weights" (name, shape, dtype, optional quantization).
func decodeManifest(b []byte) ([]manifestGroup, error) {
	v, err := jsonval.Parse(b)
	if err != nil {
		return nil, err
	}
	list, ok := v.([]any)
	if !ok {
		return nil, errors.New("not a list of groups")
	}
	var out []manifestGroup
	for _, gv := range list {
		g, ok := gv.(map[string]any)
		if !ok {
			return nil, errors.New("a group is not an object")
		}
		var mg manifestGroup
		paths, _ := g["paths"].([]any)
		for _, p := range paths {
			s, ok := p.(string)
			if !ok {
				return nil, errors.New("a path is not a string")
			}
			mg.Paths = append(mg.Paths, s)
		}
		weights, _ := g["weights"].([]any)
		for _, ev := range weights {
			e, ok := ev.(map[string]any)
			if !ok {
				return nil, errors.New("a weight is not an object")
			}
			me := manifestEntry{}
			me.Name, _ = e["name"].(string)
			me.Dtype, _ = e["dtype"].(string)
			shape, _ := e["shape"].([]any)
			for _, d := range shape {
				f, ok := d.(float64)
				if !ok || f != math.Trunc(f) || math.Abs(f) > 1<<30 {
					return nil, fmt.Errorf("%s: a dimension is not an integer", me.Name)
				}
				me.Shape = append(me.Shape, int(f))
			}
			if q, ok := e["quantization"].(map[string]any); ok {
				me.Quantization = &quantization{}
				me.Quantization.Dtype, _ = q["dtype"].(string)
				me.Quantization.Scale, _ = q["scale"].(float64)
				me.Quantization.Min, _ = q["min"].(float64)
			}
			mg.Weights = append(mg.Weights, me)
		}
		out = append(out, mg)
	}
	return out, nil
}

// ParseWeights decodes a tfjs weights manifest and its binary shards (in the
// order the manifest lists its paths). Quantized tensors are expanded with
// value = q*scale + min, as tfjs does when loading.
func ParseWeights(manifest []byte, shards ...[]byte) (*Weights, error) {
	groups, err := decodeManifest(manifest)
	if err != nil {
		return nil, fmt.Errorf("face: weights manifest: %w", err)
	}
	w := &Weights{tensors: map[string]*param{}}
	shard := 0
	for _, g := range groups {
		// A group's tensors are laid out across its shards back to back.
		var buf []byte
		for range g.Paths {
			if shard >= len(shards) {
				return nil, fmt.Errorf("face: manifest lists more shards than the %d given", len(shards))
			}
			buf = append(buf, shards[shard]...)
			shard++
		}
		off := 0
		for _, e := range g.Weights {
			n := 1
			for _, d := range e.Shape {
				if d < 0 {
					return nil, fmt.Errorf("face: %s: negative dimension", e.Name)
				}
				n *= d
			}
			if e.Dtype != "float32" {
				return nil, fmt.Errorf("face: %s: unsupported dtype %q", e.Name, e.Dtype)
			}
			data := make([]float32, n)
			switch q := e.Quantization; {
			case q == nil:
				if off+4*n > len(buf) {
					return nil, fmt.Errorf("face: %s: shard data too short", e.Name)
				}
				for i := range data {
					data[i] = math.Float32frombits(binary.LittleEndian.Uint32(buf[off+4*i:]))
				}
				off += 4 * n
			case q.Dtype == "uint8":
				if off+n > len(buf) {
					return nil, fmt.Errorf("face: %s: shard data too short", e.Name)
				}
				for i := range data {
					data[i] = float32(float64(buf[off+i])*q.Scale + q.Min)
				}
				off += n
			case q.Dtype == "uint16":
				if off+2*n > len(buf) {
					return nil, fmt.Errorf("face: %s: shard data too short", e.Name)
				}
				for i := range data {
					data[i] = float32(float64(binary.LittleEndian.Uint16(buf[off+2*i:]))*q.Scale + q.Min)
				}
				off += 2 * n
			default:
				return nil, fmt.Errorf("face: %s: unsupported quantization %q", e.Name, q.Dtype)
			}
			w.tensors[e.Name] = &param{shape: slices.Clone(e.Shape), data: data}
		}
		if off != len(buf) {
			return nil, fmt.Errorf("face: %d bytes of shard data left over", len(buf)-off)
		}
	}
	if shard != len(shards) {
		return nil, fmt.Errorf("face: %d shards given, manifest lists %d", len(shards), shard)
	}
	return w, nil
}

// Tensor returns the named tensor's data after checking its shape.
func (w *Weights) Tensor(name string, shape ...int) ([]float32, error) {
	p, ok := w.tensors[name]
	if !ok {
		return nil, fmt.Errorf("face: no weight tensor %q", name)
	}
	if !slices.Equal(p.shape, shape) {
		return nil, fmt.Errorf("face: weight tensor %q has shape %v, want %v", name, p.shape, shape)
	}
	return p.data, nil
}

// Names lists the tensor names (unordered).
func (w *Weights) Names() []string {
	names := make([]string, 0, len(w.tensors))
	for n := range w.tensors {
		names = append(names, n)
	}
	return names
}

// loader keeps the first error so that network constructors read as a list
// of tensors rather than a ladder of error checks.
type loader struct {
	w    *Weights
	err  error
	used map[string]bool
}

func newLoader(w *Weights) *loader { return &loader{w: w, used: map[string]bool{}} }

func (l *loader) get(name string, shape ...int) []float32 {
	if l.err != nil {
		return nil
	}
	d, err := l.w.Tensor(name, shape...)
	if err != nil {
		l.err = err
		return nil
	}
	l.used[name] = true
	return d
}

// done reports the first error, or an unused tensor, which would mean the
// network definition and the weights disagree.
func (l *loader) done() error {
	if l.err != nil {
		return l.err
	}
	for n := range l.w.tensors {
		if !l.used[n] {
			return fmt.Errorf("face: weight tensor %q not used by the network", n)
		}
	}
	return nil
}

package local

import (
	"fmt"
	"math/big"
	"strings"

	"github.com/sagepipe/sagepipe/internal/pyjson"
	"github.com/sagepipe/sagepipe/pipeline"
)

// definition is a pipeline definition JSON decoded into what the engine
// needs: parameters, the experiment configuration and every step (branch
// steps included) with its edges.
type definition struct {
	raw        []byte
	params     []paramDecl
	experiment any // the PipelineExperimentConfig tree, or nil
	steps      []*stepDef
	byName     map[string]*stepDef
}

type paramDecl struct {
	name   string
	typ    string
	def    any
	hasDef bool
	enum   []string
}

// edgeKind tells what a dependency requires of its source step.
type edgeKind int

const (
	edgeDepends edgeKind = iota // explicit DependsOn: must succeed
	edgeData                    // data reference: must succeed
	edgeIf                      // branch: condition must succeed with outcome true
	edgeElse                    // branch: condition must succeed with outcome false
)

type edge struct {
	from int
	kind edgeKind
}

type propertyFile struct{ name, output, path string }

type outputParam struct{ name, typ string }

type retryPolicy struct {
	types          []string
	backoff        float64
	interval       int
	maxAttempts    int
	hasMax         bool
	expireAfterMin int
}

type cacheConfig struct {
	enabled     bool
	expireAfter string
}

// stepDef is one step of the definition.
type stepDef struct {
	index     int
	name, typ string
	obj       *pyjson.Object // the whole step object
	args      any            // Arguments
	dependsOn []string
	retry     []retryPolicy
	cache     *cacheConfig
	files     []propertyFile
	outputs   []outputParam // Lambda and Callback OutputParameters
	target    string        // FunctionArn or SqsQueueUrl
	ifs       []int
	elses     []int
	preds     []edge
	succs     []int
}

func defErr(step string, format string, args ...any) error {
	err := fmt.Errorf("%w: "+format, append([]any{ErrDefinition}, args...)...)
	if step == "" {
		return err
	}
	return &pipeline.StepError{Step: step, Err: err}
}

// decodeDefinition reads a definition JSON.
func decodeDefinition(raw []byte) (*definition, error) {
	tree, err := pyjson.Unmarshal(raw)
	if err != nil {
		return nil, defErr("", "%w", err)
	}
	doc, ok := tree.(*pyjson.Object)
	if !ok {
		return nil, defErr("", "the definition is not an object")
	}
	d := &definition{raw: raw, byName: map[string]*stepDef{}}
	if ps, ok := doc.Get("Parameters"); ok {
		list, _ := ps.([]any)
		for _, p := range list {
			o, ok := p.(*pyjson.Object)
			if !ok {
				return nil, defErr("", "a parameter is not an object")
			}
			decl := paramDecl{name: str(o, "Name"), typ: str(o, "Type")}
			decl.def, decl.hasDef = o.Get("DefaultValue")
			if ev, ok := o.Get("EnumValues"); ok {
				for _, v := range asList(ev) {
					s, _ := v.(string)
					decl.enum = append(decl.enum, s)
				}
			}
			d.params = append(d.params, decl)
		}
	}
	d.experiment, _ = doc.Get("PipelineExperimentConfig")
	ss, _ := doc.Get("Steps")
	if err := d.addSteps(asList(ss), -1, edgeDepends); err != nil {
		return nil, err
	}
	for _, s := range d.steps {
		if err := d.link(s); err != nil {
			return nil, err
		}
	}
	return d, nil
}

func str(o *pyjson.Object, key string) string {
	v, _ := o.Get(key)
	s, _ := v.(string)
	return s
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

// putEnv copies a resolved Environment object into dst, each value
// rendered as Python's str() renders it.
func putEnv(dst map[string]string, env any) {
	for k, v := range asObject(env).Members() {
		dst[k] = pyStr(v)
	}
}

// addSteps appends steps (and, recursively, condition branches right after
// their condition) and returns their indices through the condition.
func (d *definition) addSteps(list []any, parent int, kind edgeKind) error {
	for _, v := range list {
		o, ok := v.(*pyjson.Object)
		if !ok {
			return defErr("", "a step is not an object")
		}
		s := &stepDef{index: len(d.steps), name: str(o, "Name"), typ: str(o, "Type"), obj: o}
		if _, dup := d.byName[s.name]; dup || s.name == "" {
			return defErr(s.name, "empty or repeated step name")
		}
		d.byName[s.name] = s
		d.steps = append(d.steps, s)
		s.args, _ = o.Get("Arguments")
		if parent >= 0 {
			s.preds = append(s.preds, edge{from: parent, kind: kind})
			p := d.steps[parent]
			if kind == edgeIf {
				p.ifs = append(p.ifs, s.index)
			} else {
				p.elses = append(p.elses, s.index)
			}
		}
		if err := s.decodeEnvelope(); err != nil {
			return err
		}
		if s.typ == "Condition" {
			a, _ := s.args.(*pyjson.Object)
			ifs, _ := a.Get("IfSteps")
			if err := d.addSteps(asList(ifs), s.index, edgeIf); err != nil {
				return err
			}
			elses, _ := a.Get("ElseSteps")
			if err := d.addSteps(asList(elses), s.index, edgeElse); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *stepDef) decodeEnvelope() error {
	o := s.obj
	for _, v := range asList(get(o, "DependsOn")) {
		n, _ := v.(string)
		s.dependsOn = append(s.dependsOn, n)
	}
	for _, v := range asList(get(o, "RetryPolicies")) {
		po, ok := v.(*pyjson.Object)
		if !ok {
			return defErr(s.name, "a retry policy is not an object")
		}
		p := retryPolicy{backoff: 2, interval: 1, maxAttempts: 5}
		if f, ok := number(get(po, "BackoffRate")); ok {
			p.backoff = f
		}
		if f, ok := number(get(po, "IntervalSeconds")); ok {
			p.interval = int(f)
		}
		if f, ok := number(get(po, "MaxAttempts")); ok {
			p.maxAttempts, p.hasMax = int(f), true
		}
		if f, ok := number(get(po, "ExpireAfterMin")); ok {
			p.expireAfterMin = int(f)
			if !p.hasMax {
				p.maxAttempts = 0
			}
		}
		switch t := get(po, "ExceptionType").(type) {
		case string:
			p.types = []string{t}
		case []any:
			for _, x := range t {
				n, _ := x.(string)
				p.types = append(p.types, n)
			}
		}
		s.retry = append(s.retry, p)
	}
	if co, ok := get(o, "CacheConfig").(*pyjson.Object); ok {
		en, _ := get(co, "Enabled").(bool)
		ex, _ := get(co, "ExpireAfter").(string)
		s.cache = &cacheConfig{enabled: en, expireAfter: ex}
		if en && ex != "" {
			if _, err := parseExpireAfter(ex); err != nil {
				return &pipeline.StepError{Step: s.name, Err: fmt.Errorf("%w: CacheConfig: %w", ErrDefinition, err)}
			}
		}
	}
	for _, v := range asList(get(o, "PropertyFiles")) {
		po, _ := v.(*pyjson.Object)
		s.files = append(s.files, propertyFile{str(po, "PropertyFileName"), str(po, "OutputName"), str(po, "FilePath")})
	}
	for _, v := range asList(get(o, "OutputParameters")) {
		po, _ := v.(*pyjson.Object)
		t := str(po, "OutputType")
		if t == "" {
			t = "String"
		}
		s.outputs = append(s.outputs, outputParam{str(po, "OutputName"), t})
	}
	s.target = str(o, "FunctionArn") + str(o, "SqsQueueUrl")
	return nil
}

func get(o *pyjson.Object, key string) any {
	v, _ := o.Get(key)
	return v
}

// number returns v as a float64 if it is a JSON number.
func number(v any) (float64, bool) {
	switch n := v.(type) {
	case int64:
		return float64(n), true
	case float64:
		return n, true
	case *big.Int:
		f, _ := new(big.Float).SetInt(n).Float64()
		return f, true
	}
	return 0, false
}

// link adds the DependsOn and data edges of s.
func (d *definition) link(s *stepDef) error {
	seen := map[int]bool{}
	for _, e := range s.preds {
		seen[e.from] = true
	}
	add := func(name string, kind edgeKind) error {
		p, ok := d.byName[name]
		if !ok {
			return defErr(s.name, "refers to step %q, which is not in the definition", name)
		}
		if p.index == s.index || seen[p.index] {
			return nil
		}
		seen[p.index] = true
		s.preds = append(s.preds, edge{from: p.index, kind: kind})
		p.succs = append(p.succs, s.index)
		return nil
	}
	for _, n := range s.dependsOn {
		if err := add(n, edgeDepends); err != nil {
			return err
		}
	}
	args := s.args
	if s.typ == "Condition" {
		if a, ok := s.args.(*pyjson.Object); ok {
			args = get(a, "Conditions")
		}
	}
	var err error
	walkGets(args, func(path string) {
		if err != nil || !strings.HasPrefix(path, "Steps.") {
			return
		}
		name := path[len("Steps."):]
		if i := strings.IndexAny(name, ".["); i >= 0 {
			name = name[:i]
		}
		err = add(name, edgeData)
	})
	if err != nil {
		return err
	}
	for _, e := range s.preds {
		if e.kind == edgeIf || e.kind == edgeElse {
			d.steps[e.from].succs = append(d.steps[e.from].succs, s.index)
		}
	}
	return nil
}

// walkGets calls f with the path of every {"Get": path} in the tree.
func walkGets(v any, f func(string)) {
	switch t := v.(type) {
	case *pyjson.Object:
		if t.Len() == 1 {
			if g, ok := t.Get("Get"); ok {
				if p, ok := g.(string); ok {
					f(p)
					return
				}
			}
		}
		for _, m := range t.Members() {
			walkGets(m, f)
		}
	case []any:
		for _, x := range t {
			walkGets(x, f)
		}
	}
}

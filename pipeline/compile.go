package pipeline

import (
	"errors"
	"fmt"
	"reflect"
	"runtime/debug"
	"slices"

	"github.com/sagepipe/sagepipe/internal/pyjson"
	"github.com/sagepipe/sagepipe/internal/stepdef"
	"github.com/sagepipe/sagepipe/params"
	"github.com/sagepipe/sagepipe/steps"
)

// protocol is package steps' rendering protocol.
type protocol = stepdef.Protocol[steps.Step, steps.Env]

func stepProtocol() *protocol { return stepdef.Get[steps.Step, steps.Env]() }

// branches returns a condition step's branch steps.
func (c *compiled) branches(s steps.Step) (ifs, elses []steps.Step, ok bool) {
	return c.proto.Branches(s)
}

// node is one step of the compiled pipeline.
type node struct {
	step     steps.Step
	parent   *node    // the condition of a branch step
	branch   EdgeKind // IfEdge or ElseEdge for a branch step
	appended bool     // referenced but not listed
	refs     []params.Ref
	stepErrs []error                      // the step's own Problems
	env      stepdef.Envelope[steps.Step] // the envelope, read once
	json     []byte                       // the step object as the definition writes it
	off      int                          // where json starts in its arena
	encErr   error                        // why the step object cannot be written
	pending  bool                         // json waits for the branch steps
	obj      *pyjson.Object               // the step object, kept while json is pending or failed
}

// compiled is the result of walking a pipeline the way SDK 2.257.6's step
// compiler does: listed steps first, then referenced-but-unlisted steps in
// breadth-first discovery order, branch steps inside their conditions.
type compiled struct {
	proto    *protocol
	env      steps.Env
	top      []*node
	nodes    []*node
	byName   map[string]*node
	nodeOf   map[steps.Step]*node
	arena    []byte                  // the definition's head, then the written top-level step objects
	head     int                     // the length of the head at the start of arena, 0 if none
	tops     int                     // top-level step objects written to arena
	inner    []byte                  // the written branch step objects
	write    bool                    // write each step (Definition), or only walk it (Validate, Graph)
	names    map[string]steps.Step   // every step name known so far
	input    map[string]steps.Step   // listed steps and their branches (what DependsOn names may name)
	groups   map[string][]steps.Step // listed step collections by name
	known    map[steps.Step]bool     // every step of package steps is a pointer
	queue    []steps.Step
	listed   int
	edges    []Edge
	edgeSet  map[Edge]bool
	problems []problem
	declared map[string]params.Parameter
	current  string // the step being compiled, for panic reports
}

func (c *compiled) refuse(err error) {
	c.problems = append(c.problems, problem{err: err, refused: true})
}
func (c *compiled) warn(err error)         { c.problems = append(c.problems, problem{err: err}) }
func stepErr(name string, err error) error { return &StepError{Step: name, Err: err} }

// isNil reports whether v is nil or holds a nil pointer (a typed nil step
// or parameter, whose methods would panic).
func isNil(v any) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}

// compileSafe compiles p, turning a panic raised by a step's methods into
// a problem naming the step.
func (p *Pipeline) compileSafe(write bool) (c *compiled, err error) {
	defer func() {
		if r := recover(); r != nil {
			name := ""
			if c != nil {
				name = c.current
			}
			err = stepErr(name, &PanicError{Op: "compile", Value: r, Stack: debug.Stack()})
		}
	}()
	c = newCompiled(p, write)
	c.run(p)
	return c, nil
}

func (p *Pipeline) compile() *compiled {
	c := newCompiled(p, true)
	c.run(p)
	return c
}

func newCompiled(p *Pipeline, write bool) *compiled {
	n := len(p.entities.items()) // most entities are one step
	c := &compiled{
		write:    write,
		proto:    stepProtocol(),
		env:      p.Environment(),
		nodes:    make([]*node, 0, n),
		top:      make([]*node, 0, n),
		byName:   make(map[string]*node, n),
		nodeOf:   make(map[steps.Step]*node, n),
		names:    make(map[string]steps.Step, n),
		input:    make(map[string]steps.Step, n),
		groups:   map[string][]steps.Step{},
		known:    make(map[steps.Step]bool, n),
		edges:    make([]Edge, 0, 2*n),
		edgeSet:  make(map[Edge]bool, 2*n),
		declared: make(map[string]params.Parameter, len(p.params.items())),
	}
	if write {
		c.arena = make([]byte, 0, 2048*n)
		if h, err := p.head(c.env.Region); err == nil {
			c.arena = append(c.arena, h...)
			c.head = len(h)
		}
	}
	return c
}

func (c *compiled) run(p *Pipeline) {
	c.current = ""
	c.checkPipelineName(p.name)
	c.checkParameters(p.params.items())

	var listed []steps.Step
	for i, e := range p.entities.items() {
		if isNil(e) {
			c.refuse(fmt.Errorf("%w: entry %d of the step list is nil", ErrInvalidValue, i))
			continue
		}
		if ss := e.Steps(); len(ss) != 1 || ss[0] == nil || ss[0].Name() != e.Name() {
			c.groups[e.Name()] = ss
		}
		for _, s := range e.Steps() {
			if s == nil {
				c.refuse(stepErr(e.Name(), fmt.Errorf("%w: the collection has a nil step", ErrInvalidValue)))
				continue
			}
			listed = append(listed, s)
		}
	}
	for _, s := range listed {
		c.register(s, "listed")
	}
	for _, s := range listed {
		c.push(s)
	}
	c.listed = len(c.queue)
	for len(c.queue) > 0 {
		s := c.queue[0]
		c.queue = c.queue[1:]
		c.top = append(c.top, c.process(s, nil, 0, len(c.top) >= c.listed))
	}
	c.current = ""
	c.checkCycles()
	c.checkReferences()
	c.checkExperiment(p.exp)
}

func (c *compiled) checkParameters(ps []params.Parameter) {
	for i, prm := range ps {
		if isNil(prm) {
			c.refuse(fmt.Errorf("%w: parameter %d is nil", ErrInvalidValue, i))
			continue
		}
		name := prm.Name()
		switch _, dup := c.declared[name]; {
		case name == "":
			c.refuse(&ParameterError{Parameter: name, Err: fmt.Errorf("%w: parameter %d (%s) has no name", ErrEmptyName, i, prm.Type())})
		case dup:
			c.refuse(&ParameterError{Parameter: name, Err: fmt.Errorf("%w: declared more than once", ErrDuplicateName)})
		default:
			c.declared[name] = prm
		}
		c.checkParameterService(prm)
		var sc scan
		sc.text(name)
		if d, ok := prm.Default(); ok {
			sc.value(d, 0)
		}
		sc.value(prm.EnumValues(), 0)
		for _, err := range sc.problems {
			c.refuse(&ParameterError{Parameter: name, Err: err})
		}
		for _, err := range prm.Problems() {
			if errors.Is(err, params.ErrNaN) {
				err = fmt.Errorf("%w: %w", ErrNaN, err)
			} else {
				err = fmt.Errorf("%w: %w", ErrInvalidValue, err)
			}
			c.refuse(&ParameterError{Parameter: name, Err: err})
		}
	}
}

// register records the names of s and of its branch steps, reporting
// empty and duplicate names.
func (c *compiled) register(s steps.Step, where string) {
	name := s.Name()
	switch _, dup := c.names[name]; {
	case name == "":
		c.refuse(stepErr(name, fmt.Errorf("%w: a %s step (%s) has no name", ErrEmptyName, s.Type(), where)))
	case dup:
		c.refuse(stepErr(name, fmt.Errorf("%w: more than one step is named %q (branch steps included)", ErrDuplicateName, name)))
	default:
		c.names[name] = s
		c.input[name] = s
		if !validName(name) {
			c.warn(stepErr(name, fmt.Errorf("%w: step names must be 1 to 64 letters, digits, '-' or '_'", ErrInvalidName)))
		}
	}
	if ifs, elses, ok := c.branches(s); ok {
		for _, bs := range slices.Concat(ifs, elses) {
			if bs != nil {
				c.register(bs, "in a branch of "+name)
			}
		}
	}
}

// push queues s for compilation unless it is known already; a condition's
// branch steps become known with it.
func (c *compiled) push(s steps.Step) {
	if c.known[s] {
		return
	}
	c.known[s] = true
	c.queue = append(c.queue, s)
	c.markBranches(s)
}

func (c *compiled) markBranches(s steps.Step) {
	if ifs, elses, ok := c.branches(s); ok {
		for _, bs := range slices.Concat(ifs, elses) {
			if bs != nil {
				c.known[bs] = true
				c.markBranches(bs)
			}
		}
	}
}

// resolve finds the step a reference or dependency points at. A step value
// that is not known but shares its name with a known step stands for that
// step (a builder copy of it); an unknown step value is adopted (it will be
// appended); a bare name resolves only to a known step.
func (c *compiled) resolve(src params.Source) steps.Step {
	switch x := src.(type) {
	case nil:
		return nil
	case steps.Step:
		if c.known[x] {
			return x
		}
		if s, ok := c.names[x.Name()]; ok {
			return s
		}
		if x.Name() != "" {
			c.names[x.Name()] = x
		}
		return x
	case steps.Entity:
		ss := x.Steps()
		if len(ss) == 0 || ss[len(ss)-1] == nil {
			return nil
		}
		return c.resolve(ss[len(ss)-1])
	}
	return c.names[src.Name()]
}

func (c *compiled) edge(from, to string, kind EdgeKind) {
	e := Edge{From: from, To: to, Kind: kind}
	if !c.edgeSet[e] {
		c.edgeSet[e] = true
		c.edges = append(c.edges, e)
	}
}

func (c *compiled) process(s steps.Step, parent *node, branch EdgeKind, appended bool) *node {
	name := s.Name()
	c.current = name
	n := &node{step: s, parent: parent, branch: branch, appended: appended}
	c.nodes = append(c.nodes, n)
	if _, ok := c.byName[name]; !ok {
		c.byName[name] = n
	}
	if _, ok := c.nodeOf[s]; !ok {
		c.nodeOf[s] = n
	}

	env := c.proto.Envelope(s)
	n.env = env
	var objs map[string]steps.Step
	if len(env.DependsOnSteps) > 0 {
		objs = make(map[string]steps.Step, len(env.DependsOnSteps))
		for _, d := range env.DependsOnSteps {
			if d != nil {
				objs[d.Name()] = d
			}
		}
	}
	for _, dn := range env.DependsOn {
		var deps []steps.Step
		if d, ok := objs[dn]; ok {
			deps = []steps.Step{c.resolve(d)}
		} else if d, ok := c.input[dn]; ok { // as the SDK: names resolve among listed steps only
			deps = []steps.Step{d}
		} else if g, ok := c.groups[dn]; ok { // a collection stands for all its steps
			deps = g
		}
		if len(deps) == 0 {
			c.refuse(stepErr(name, fmt.Errorf("%w: DependsOn names %q, which is not in the pipeline", ErrUnknownStep, dn)))
			continue
		}
		for _, dep := range deps {
			if dep != nil {
				c.edge(dep.Name(), name, DependsOnEdge)
				c.push(dep)
			}
		}
	}

	args := c.proto.Arguments(s, &c.env)
	trailer := c.proto.Trailer(s, &c.env)
	var obj *pyjson.Object
	if c.write {
		obj = stepdef.StepObject(s.Name(), string(s.Type()), args, env, trailer)
	}
	if c.write && c.encodeStep(n, obj, true) {
		if n.pending {
			n.obj = obj // written again once its branch steps are
		}
	} else {
		// Validate, or a step that cannot be written: walk it to find
		// its references and report every problem (the encoder stops at
		// the first).
		n.obj = obj
		sc := scan{branch: c.proto.Branch}
		sc.text(name)
		sc.text(string(s.Type()))
		sc.envelope(env)
		// The members of the step object are one level down, as the
		// encoder counts.
		sc.value(args, 1)
		for _, m := range trailer {
			sc.value(m.Value, 1)
		}
		n.refs = sc.refs
		for _, err := range sc.problems {
			c.refuse(stepErr(name, err))
		}
		if !c.write {
			for _, key := range emptyRoles(args) {
				c.warn(stepErr(name, fmt.Errorf("%w: %s is empty: give the step a role or compile with an Env whose Role is set", ErrNoRole, key)))
			}
		}
		if c.write && len(sc.problems) == 0 {
			c.refuse(stepErr(name, encodeErr(n.encErr)))
		}
	}
	for _, ref := range n.refs {
		if ref.Kind != params.RefProperty && ref.Kind != params.RefPropertyFile {
			continue
		}
		dep := c.resolve(ref.Source)
		if dep == nil {
			c.warn(stepErr(name, fmt.Errorf("%w: %s refers to step %q, which is not in the pipeline", ErrUnknownStep, ref, sourceName(ref.Source))))
			continue
		}
		if ref.Kind == params.RefProperty {
			if err := c.proto.Property(dep, ref.Path); err != nil {
				c.warn(stepErr(name, fmt.Errorf("%w: %s: %w", ErrInvalidValue, ref, err)))
			}
		}
		c.edge(dep.Name(), name, DataEdge)
		c.push(dep)
	}

	for _, err := range c.proto.Warnings(s) {
		c.warn(stepErr(name, fmt.Errorf("%w: %w", ErrInvalidValue, err)))
	}
	n.stepErrs = c.proto.Problems(s)
	for _, err := range n.stepErrs {
		if errors.Is(err, steps.ErrPropertyFile) {
			c.warn(stepErr(name, fmt.Errorf("%w: %w", ErrPropertyFile, err)))
		} else if errors.Is(err, steps.ErrUnknownProperty) {
			c.warn(stepErr(name, fmt.Errorf("%w: %w", ErrInvalidValue, err)))
		} else {
			c.refuse(stepErr(name, fmt.Errorf("%w: %w", ErrInvalidValue, err)))
		}
	}

	if ifs, elses, ok := c.branches(s); ok {
		for _, br := range []struct {
			kind EdgeKind
			ss   []steps.Step
		}{{IfEdge, ifs}, {ElseEdge, elses}} {
			for _, bs := range br.ss {
				if bs == nil {
					c.refuse(stepErr(name, fmt.Errorf("%w: nil branch step", ErrInvalidValue)))
					continue
				}
				c.edge(name, bs.Name(), br.kind)
				c.process(bs, n, br.kind, appended)
				c.current = name
			}
		}
		if c.write && n.pending && n.encErr == nil {
			c.encodeStep(n, n.obj, false)
			n.obj = nil
		}
	}
	return n
}

func sourceName(s params.Source) string {
	if s == nil {
		return ""
	}
	return s.Name()
}

// checkReferences reports the Validate-only problems: JsonGet of property
// files a step does not declare, property files on missing outputs, and
// parameters that are used but not declared.
func (c *compiled) checkReferences() {
	for _, n := range c.nodes {
		name := n.step.Name()
		seen := map[string]bool{}
		for _, ref := range n.refs {
			switch ref.Kind {
			case params.RefParameter:
				if ref.Param == nil || seen[ref.Param.Name()] {
					continue
				}
				seen[ref.Param.Name()] = true
				decl, ok := c.declared[ref.Param.Name()]
				switch {
				case !ok:
					c.warn(stepErr(name, fmt.Errorf("%w: %q is used but not in the pipeline's parameters", ErrUndeclaredParameter, ref.Param.Name())))
				case decl.Type() != ref.Param.Type():
					c.warn(stepErr(name, fmt.Errorf("%w: %q is declared %s but used as %s", ErrParameterType, ref.Param.Name(), decl.Type(), ref.Param.Type())))
				}
			case params.RefPropertyFile:
				dep := c.resolve(ref.Source)
				if dep == nil {
					continue // reported as an unknown step
				}
				if !c.declares(dep, ref.PropertyFile) {
					c.warn(stepErr(name, fmt.Errorf("%w: JsonGet reads property file %q of step %q, which does not declare it", ErrPropertyFile, ref.PropertyFile, dep.Name())))
				}
			}
		}
		if slices.ContainsFunc(n.stepErrs, func(err error) bool { return errors.Is(err, steps.ErrPropertyFile) }) {
			continue // the step reported its own property file problems
		}
		files, outs, ok := c.proto.PropertyFiles(n.step)
		if !ok {
			continue
		}
		for _, f := range files {
			if !slices.Contains(outs, f.OutputName) {
				c.warn(stepErr(name, fmt.Errorf("%w: property file %q names output %q, which the step lacks", ErrPropertyFile, f.Name, f.OutputName)))
			}
		}
	}
}

func (c *compiled) declares(s steps.Step, file string) bool {
	files, _, ok := c.proto.PropertyFiles(s)
	return ok && slices.ContainsFunc(files, func(f stepdef.PropertyFile) bool { return f.Name == file })
}

func (c *compiled) checkExperiment(exp experiment) {
	if exp.mode != experimentExplicit {
		return
	}
	// The SDK writes an unset name as null, and so does Definition; the
	// service has no use for it.
	for _, f := range []struct {
		key string
		v   params.Value[string]
	}{{"ExperimentName", exp.name}, {"TrialName", exp.trial}} {
		if isNullValue(f.v) {
			c.warn(fmt.Errorf("%w: experiment configuration: %s is null (NoExperimentConfig writes no configuration)", ErrInvalidValue, f.key))
		}
	}
	var sc scan
	sc.value(exp.name, 0)
	sc.value(exp.trial, 0)
	for _, err := range sc.problems {
		c.refuse(fmt.Errorf("experiment configuration: %w", err))
	}
	for _, ref := range sc.refs {
		if ref.Kind == params.RefParameter && ref.Param != nil {
			if _, ok := c.declared[ref.Param.Name()]; !ok {
				c.warn(fmt.Errorf("%w: %q is used by the experiment configuration but not in the pipeline's parameters", ErrUndeclaredParameter, ref.Param.Name()))
			}
		}
	}
}

// isNullValue reports whether v is unset or the literal null.
func isNullValue(v params.Value[string]) bool {
	if v.IsZero() {
		return true
	}
	l, ok := v.Expr().(params.Literal)
	return ok && l.Value() == nil
}

func (c *compiled) errors(all bool) error {
	var errs []error
	for _, p := range c.problems {
		if all || p.refused {
			errs = append(errs, p.err)
		}
	}
	return errors.Join(errs...)
}

// validName reports whether name matches ^[A-Za-z0-9\-_]{1,64}$.
func validName(name string) bool {
	if len(name) == 0 || len(name) > 64 {
		return false
	}
	for i := 0; i < len(name); i++ {
		switch ch := name[i]; {
		case ch >= 'a' && ch <= 'z', ch >= 'A' && ch <= 'Z', ch >= '0' && ch <= '9', ch == '-', ch == '_':
		default:
			return false
		}
	}
	return true
}

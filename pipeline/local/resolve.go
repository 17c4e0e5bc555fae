package local

import (
	"fmt"
	"math/big"
	"os"
	"strconv"
	"strings"

	"github.com/sagepipe/sagepipe/internal/pyjson"
)

// scope is what expressions resolve against when a step starts.
type scope struct {
	params     map[string]any    // parameter values
	exec       map[string]string // Execution.* variables
	experiment any               // PipelineExperimentConfig tree
	// step returns a succeeded step's property tree.
	step func(name string) (any, bool)
	// propertyFile returns the S3 URI of a step's property file.
	propertyFile func(step, file string) (string, error)
	// read returns the bytes stored at an S3 URI.
	read  func(uri string) ([]byte, error)
	depth int
}

func resolveErr(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrResolve}, args...)...)
}

// resolve returns a copy of the tree with every Get, Std:Join and
// Std:JsonGet replaced by its value.
func (sc *scope) resolve(v any) (any, error) {
	switch t := v.(type) {
	case *pyjson.Object:
		if t.Len() == 1 {
			for k, x := range t.Members() {
				switch k {
				case "Get":
					if p, ok := x.(string); ok {
						return sc.get(p)
					}
				case "Std:Join":
					return sc.join(x)
				case "Std:JsonGet":
					return sc.jsonGet(x)
				}
			}
		}
		out := pyjson.NewObject()
		for k, x := range t.Members() {
			r, err := sc.resolve(x)
			if err != nil {
				return nil, err
			}
			out.Set(k, r)
		}
		return out, nil
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			r, err := sc.resolve(x)
			if err != nil {
				return nil, err
			}
			out[i] = r
		}
		return out, nil
	}
	return v, nil
}

func (sc *scope) get(path string) (any, error) {
	head, rest, _ := strings.Cut(path, ".")
	switch head {
	case "Parameters":
		v, ok := sc.params[rest]
		if !ok {
			return nil, resolveErr("%s: no such parameter", path)
		}
		return v, nil
	case "Execution":
		v, ok := sc.exec[rest]
		if !ok {
			return nil, resolveErr("%s: no such execution variable", path)
		}
		return v, nil
	case "PipelineExperimentConfig":
		cfg, ok := sc.experiment.(*pyjson.Object)
		if !ok {
			return nil, resolveErr("%s: the pipeline has no experiment configuration", path)
		}
		v, ok := cfg.Get(rest)
		if !ok {
			return nil, resolveErr("%s: no such field", path)
		}
		return sc.nested(v)
	case "Steps":
		name := rest
		if i := strings.IndexAny(rest, ".["); i >= 0 {
			name, rest = rest[:i], rest[i:]
		} else {
			rest = ""
		}
		props, ok := sc.step(name)
		if !ok {
			return nil, resolveErr("%s: step %q has not succeeded", path, name)
		}
		v, err := walkPath(props, rest)
		if err != nil {
			return nil, resolveErr("%s: %w", path, err)
		}
		return v, nil
	}
	return nil, resolveErr("%s: unknown reference", path)
}

func (sc *scope) nested(v any) (any, error) {
	if sc.depth > 16 {
		return nil, resolveErr("expressions nested too deeply")
	}
	sc.depth++
	defer func() { sc.depth-- }()
	return sc.resolve(v)
}

func (sc *scope) join(v any) (any, error) {
	o, ok := v.(*pyjson.Object)
	if !ok {
		return nil, resolveErr("Std:Join is not an object")
	}
	on, _ := get(o, "On").(string)
	vals, err := sc.resolve(get(o, "Values"))
	if err != nil {
		return nil, err
	}
	parts := make([]string, 0, len(asList(vals)))
	for _, x := range asList(vals) {
		parts = append(parts, pyStr(x))
	}
	return strings.Join(parts, on), nil
}

func (sc *scope) jsonGet(v any) (any, error) {
	o, ok := v.(*pyjson.Object)
	if !ok {
		return nil, resolveErr("Std:JsonGet is not an object")
	}
	path, _ := get(o, "Path").(string)
	var uri string
	if pf, ok := get(o, "PropertyFile").(*pyjson.Object); ok {
		ref, _ := get(pf, "Get").(string)
		rest, ok := strings.CutPrefix(ref, "Steps.")
		step, file, ok2 := strings.Cut(rest, ".PropertyFiles.")
		if !ok || !ok2 {
			return nil, resolveErr("Std:JsonGet: bad property file reference %q", ref)
		}
		u, err := sc.propertyFile(step, file)
		if err != nil {
			return nil, err
		}
		uri = u
	} else if s3, ok := o.Get("S3Uri"); ok {
		r, err := sc.resolve(s3)
		if err != nil {
			return nil, err
		}
		uri, ok = r.(string)
		if !ok {
			return nil, resolveErr("Std:JsonGet: S3Uri is not a string")
		}
	} else {
		return nil, resolveErr("Std:JsonGet has neither PropertyFile nor S3Uri")
	}
	data, err := sc.read(uri)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, resolveErr("Std:JsonGet: no file at %s", uri)
		}
		return nil, resolveErr("Std:JsonGet: %w", err)
	}
	doc, err := pyjson.Unmarshal(data)
	if err != nil {
		return nil, resolveErr("Std:JsonGet: %s: %w", uri, err)
	}
	out, err := walkJSONPath(doc, path)
	if err != nil {
		return nil, resolveErr("Std:JsonGet: %s: path %q: %w", uri, path, err)
	}
	return out, nil
}

// walkPath follows a property path such as
// ".ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri" or
// ".TrainingJobSummaries[0].TrainingJobName" in a property tree. A list
// indexed by a string finds the element one of whose *Name members equals
// it, as SageMaker does for Outputs['name'] or FinalMetricDataList['m'].
func walkPath(v any, path string) (any, error) {
	for path != "" {
		switch {
		case path[0] == '.':
			path = path[1:]
			i := strings.IndexAny(path, ".[")
			if i < 0 {
				i = len(path)
			}
			key := path[:i]
			path = path[i:]
			o, ok := v.(*pyjson.Object)
			if !ok {
				return nil, fmt.Errorf("no member %s", key)
			}
			x, ok := o.Get(key)
			if !ok {
				return nil, fmt.Errorf("no member %s", key)
			}
			v = x
		case strings.HasPrefix(path, "['"):
			end := strings.Index(path, "']")
			if end < 0 {
				return nil, fmt.Errorf("unclosed index in %s", path)
			}
			key := path[2:end]
			path = path[end+2:]
			x, err := indexByName(v, key)
			if err != nil {
				return nil, err
			}
			v = x
		case path[0] == '[':
			end := strings.IndexByte(path, ']')
			if end < 0 {
				return nil, fmt.Errorf("unclosed index in %s", path)
			}
			n, err := strconv.Atoi(path[1:end])
			if err != nil {
				return nil, fmt.Errorf("bad index %s", path[:end+1])
			}
			path = path[end+1:]
			l, ok := v.([]any)
			if !ok || n < 0 || n >= len(l) {
				return nil, fmt.Errorf("no element [%d]", n)
			}
			v = l[n]
		default:
			return nil, fmt.Errorf("bad path at %q", path)
		}
	}
	return v, nil
}

func indexByName(v any, key string) (any, error) {
	switch t := v.(type) {
	case *pyjson.Object:
		if x, ok := t.Get(key); ok {
			return x, nil
		}
	case []any:
		for _, e := range t {
			o, ok := e.(*pyjson.Object)
			if !ok {
				continue
			}
			for k, x := range o.Members() {
				if strings.HasSuffix(k, "Name") && x == key {
					return o, nil
				}
			}
		}
	}
	return nil, fmt.Errorf("no element ['%s']", key)
}

// walkJSONPath follows a JsonGet path ("a.b[0].c", with an optional "$."
// prefix) in a JSON document.
func walkJSONPath(v any, path string) (any, error) {
	path = strings.TrimPrefix(strings.TrimPrefix(path, "$"), ".")
	if path == "" {
		return v, nil
	}
	if path[0] != '[' {
		path = "." + path
	}
	return walkPath(v, path)
}

// pyStr renders a resolved value as Python's str() does, which is how
// Std:Join renders its values (SageMaker's local mode does the same).
func pyStr(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case nil:
		return "None"
	case bool:
		if t {
			return "True"
		}
		return "False"
	case int64:
		return strconv.FormatInt(t, 10)
	case *big.Int:
		return t.String()
	case float64:
		b, err := pyjson.AppendFloat(nil, t)
		if err != nil {
			return strconv.FormatFloat(t, 'g', -1, 64)
		}
		return string(b)
	}
	b, err := pyjson.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

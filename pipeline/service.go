package pipeline

import (
	"fmt"
	"slices"

	"github.com/sagepipe/sagepipe/internal/pyjson"
	"github.com/sagepipe/sagepipe/params"
)

// Limits the service puts on a definition that the SDK does not check
// (CreatePipeline and the definition schema); Validate reports them.
const (
	// maxPipelineName is the longest pipeline name (CreatePipeline).
	maxPipelineName = 256
	// maxStringDefault is the longest String parameter default the
	// definition schema allows (StringParameter.DefaultValue maxLength).
	maxStringDefault = 4096
)

// checkPipelineName reports a name CreatePipeline refuses: it must match
// [a-zA-Z0-9](-*[a-zA-Z0-9]){0,255}. An empty name is not reported: the
// definition does not carry the name (a parsed one has none), and the
// engine that creates the pipeline needs one.
func (c *compiled) checkPipelineName(name string) {
	if name == "" || validPipelineName(name) {
		return
	}
	c.warn(fmt.Errorf("%w: pipeline name %q: it must be 1 to %d letters, digits or hyphens, starting and ending with a letter or digit", ErrInvalidName, name, maxPipelineName))
}

// validPipelineName reports whether name matches
// [a-zA-Z0-9](-*[a-zA-Z0-9]){0,255}: alphanumerics, with hyphens only
// between two of them, and at most 256 alphanumerics.
func validPipelineName(name string) bool {
	if name == "" || len(name) > maxPipelineName {
		return false
	}
	alnum := func(ch byte) bool {
		return ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9'
	}
	if !alnum(name[0]) || !alnum(name[len(name)-1]) {
		return false
	}
	for i := 0; i < len(name); i++ {
		if !alnum(name[i]) && name[i] != '-' {
			return false
		}
	}
	return true
}

// checkParameterService reports what the service refuses in a parameter
// although the SDK writes it: a name not matching ^[A-Za-z0-9\-_]{1,64}$,
// repeated enum values, a default outside the enum values and a String
// default longer than the schema's limit.
func (c *compiled) checkParameterService(prm params.Parameter) {
	name := prm.Name()
	bad := func(err error) { c.warn(&ParameterError{Parameter: name, Err: err}) }
	if name != "" && !validName(name) {
		bad(fmt.Errorf("%w: parameter names must be 1 to 64 letters, digits, '-' or '_'", ErrInvalidName))
	}
	enum := prm.EnumValues()
	for i, v := range enum {
		if slices.Index(enum, v) != i {
			bad(fmt.Errorf("%w: enum value %q is listed more than once", ErrInvalidValue, v))
		}
	}
	d, ok := prm.Default()
	if !ok {
		return
	}
	s, isString := d.(string)
	if !isString {
		return
	}
	if len(enum) > 0 && !slices.Contains(enum, s) {
		bad(fmt.Errorf("%w: default %q is not one of the enum values %q", ErrInvalidValue, s, enum))
	}
	if n := len([]rune(s)); n > maxStringDefault {
		bad(fmt.Errorf("%w: the default is %d characters long; the service allows %d", ErrInvalidValue, n, maxStringDefault))
	}
}

// roleKeys are the argument members that hold an execution role.
var roleKeys = []string{"RoleArn", "ExecutionRoleArn"}

// emptyRoles returns the role members of args (at any depth) that are
// the empty string: a step without a role compiled without Env.Role.
func emptyRoles(args any) []string {
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case *pyjson.Object:
			for k, e := range x.Members() {
				if s, ok := e.(string); ok && s == "" && slices.Contains(roleKeys, k) {
					out = append(out, k)
					continue
				}
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(args)
	return out
}

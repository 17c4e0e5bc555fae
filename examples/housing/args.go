package main

import (
	"fmt"
	"strconv"
	"strings"
)

// scriptArgs are a job's container arguments read as the seed's scripts
// read them with argparse: "--name value" pairs.
type scriptArgs map[string]string

// parseArgs reads "--name value" pairs; a flag with no value or a stray
// value is an error naming it.
func parseArgs(args []string) (scriptArgs, error) {
	m := scriptArgs{}
	for i := 0; i < len(args); i++ {
		name, ok := strings.CutPrefix(args[i], "--")
		if !ok || name == "" {
			return nil, fmt.Errorf("unexpected argument %q", args[i])
		}
		if i+1 >= len(args) {
			return nil, fmt.Errorf("argument --%s: expected one argument", name)
		}
		m[name] = args[i+1]
		i++
	}
	return m, nil
}

// str returns the value of --name, which must be present.
func (a scriptArgs) str(name string) (string, error) {
	v, ok := a[name]
	if !ok {
		return "", fmt.Errorf("the following arguments are required: --%s", name)
	}
	return v, nil
}

// float returns the value of --name as argparse's type=float gives it; a
// value that is not a number is an error naming the argument and the value.
func (a scriptArgs) float(name string) (float64, error) {
	v, err := a.str(name)
	if err != nil {
		return 0, err
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil {
		return 0, fmt.Errorf("argument --%s: invalid float value: %q", name, v)
	}
	return f, nil
}

// int returns the value of --name as argparse's type=int gives it.
func (a scriptArgs) int(name string) (int, error) {
	v, err := a.str(name)
	if err != nil {
		return 0, err
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return 0, fmt.Errorf("argument --%s: invalid int value: %q", name, v)
	}
	return n, nil
}

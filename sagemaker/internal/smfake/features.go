package smfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

type groupState struct {
	name, arn, id, eventTime string
	definitions              []any
	online                   bool
	offline                  map[string]any
	role, description        string
	created                  time.Time
	polls                    int
	// pending are the records put since the last FlushOffline, when the
	// group has an offline store.
	pending []record
}

type record struct {
	values    map[string]string
	eventTime string
	put       time.Time // when PutRecord was called
}

// creatingPolls is how many DescribeFeatureGroup answers say Creating
// before Created.
const creatingPolls = 2

func (s *Server) createFeatureGroup(in map[string]any) (any, *apiError) {
	name := str(in, "FeatureGroupName")
	if !pipelineName.MatchString(name) || len(name) > 64 {
		return nil, validation("invalid FeatureGroupName %q", name)
	}
	if _, ok := s.groups[name]; ok {
		return nil, &apiError{400, "ResourceInUse", fmt.Sprintf("Resource Already Exists: FeatureGroup with name %s already exists. Choose a different name.", name)}
	}
	defs, _ := in["FeatureDefinitions"].([]any)
	names := map[string]bool{}
	for _, d := range defs {
		m, _ := d.(map[string]any)
		switch str(m, "FeatureType") {
		case "Integral", "Fractional", "String":
		default:
			return nil, validation("feature %q has type %q", str(m, "FeatureName"), str(m, "FeatureType"))
		}
		names[str(m, "FeatureName")] = true
	}
	id, et := str(in, "RecordIdentifierFeatureName"), str(in, "EventTimeFeatureName")
	if !names[id] || !names[et] {
		return nil, validation("RecordIdentifierFeatureName %q and EventTimeFeatureName %q must be defined features", id, et)
	}
	g := &groupState{
		name: name, arn: fmt.Sprintf("arn:aws:sagemaker:%s:%s:feature-group/%s", Region, Account, strings.ToLower(name)),
		id: id, eventTime: et, definitions: defs, role: str(in, "RoleArn"), description: str(in, "Description"),
		created: s.now(),
	}
	if on, ok := in["OnlineStoreConfig"].(map[string]any); ok {
		g.online, _ = on["EnableOnlineStore"].(bool)
	}
	if off, ok := in["OfflineStoreConfig"].(map[string]any); ok {
		sc, _ := off["S3StorageConfig"].(map[string]any)
		uri := strings.TrimSuffix(str(sc, "S3Uri"), "/")
		if !strings.HasPrefix(uri, "s3://") {
			return nil, validation("OfflineStoreConfig.S3StorageConfig.S3Uri %q is not an s3:// URI", uri)
		}
		if g.role == "" {
			return nil, validation("RoleArn is required with an offline store")
		}
		sc["ResolvedOutputS3Uri"] = fmt.Sprintf("%s/%s/sagemaker/%s/offline-store/%s-%d/data", uri, Account, Region, name, g.created.Unix())
		g.offline = off
	}
	if !g.online && g.offline == nil {
		return nil, validation("a feature group needs an online or an offline store")
	}
	s.groups[name] = g
	return map[string]any{"FeatureGroupArn": g.arn}, nil
}

func (s *Server) group(name string) (*groupState, *apiError) {
	g, ok := s.groups[name]
	if !ok {
		return nil, notFound("Resource Not Found: Amazon SageMaker can't find a FeatureGroup with name %s", name)
	}
	return g, nil
}

func (s *Server) describeFeatureGroup(in map[string]any) (any, *apiError) {
	g, e := s.group(str(in, "FeatureGroupName"))
	if e != nil {
		return nil, e
	}
	status := "Created"
	if g.polls < creatingPolls {
		g.polls++
		status = "Creating"
	}
	out := compact(map[string]any{
		"FeatureGroupArn": g.arn, "FeatureGroupName": g.name, "RecordIdentifierFeatureName": g.id,
		"EventTimeFeatureName": g.eventTime, "FeatureDefinitions": g.definitions, "CreationTime": epoch(g.created),
		"FeatureGroupStatus": status, "RoleArn": g.role, "Description": g.description, "NextToken": "",
	})
	out["NextToken"] = ""
	if g.online {
		out["OnlineStoreConfig"] = map[string]any{"EnableOnlineStore": true}
	}
	if g.offline != nil {
		out["OfflineStoreConfig"] = g.offline
		out["OfflineStoreStatus"] = map[string]any{"Status": "Active"}
	}
	return out, nil
}

func (s *Server) deleteFeatureGroup(in map[string]any) (any, *apiError) {
	g, e := s.group(str(in, "FeatureGroupName"))
	if e != nil {
		return nil, e
	}
	delete(s.groups, g.name)
	delete(s.records, g.name)
	return nil, nil
}

// Records returns every record written to the named group, oldest first,
// as feature name → value.
func (s *Server) Records(group string) []map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []map[string]string
	for _, rs := range s.records[group] {
		for _, r := range rs {
			out = append(out, r.values)
		}
	}
	return out
}

// runtime serves the feature store runtime API (REST JSON).
func (s *Server) runtime(r *http.Request, op string, body []byte) (any, *apiError) {
	name, err := url.PathUnescape(strings.TrimPrefix(r.URL.EscapedPath(), "/FeatureGroup/"))
	if err != nil {
		return nil, s.problem("%s: path %q", op, r.URL.Path)
	}
	g, e := s.group(name)
	if e != nil {
		e.status = http.StatusNotFound
		return nil, e
	}
	if g.polls < creatingPolls {
		return nil, validation("FeatureGroup %s is not Created", name)
	}
	q := r.URL.Query()
	switch op {
	case "PutRecord":
		if ct := r.Header.Get("Content-Type"); ct != "application/json" {
			return nil, s.problem("PutRecord: Content-Type %q", ct)
		}
		var in struct {
			Record []struct{ FeatureName, ValueAsString string }
		}
		if err := json.Unmarshal(body, &in); err != nil {
			return nil, s.problem("PutRecord: body: %v", err)
		}
		rec := record{values: map[string]string{}}
		for _, f := range in.Record {
			if !g.defines(f.FeatureName) {
				return nil, validation("feature %q is not defined in FeatureGroup %s", f.FeatureName, name)
			}
			rec.values[f.FeatureName] = f.ValueAsString
		}
		id, ok := rec.values[g.id]
		if !ok || rec.values[g.eventTime] == "" {
			return nil, validation("record lacks %s or %s", g.id, g.eventTime)
		}
		rec.eventTime = rec.values[g.eventTime]
		rec.put = s.now()
		if g.offline != nil {
			g.pending = append(g.pending, rec)
		}
		if s.records[name] == nil {
			s.records[name] = map[string][]record{}
		}
		s.records[name][id] = append(s.records[name][id], rec)
		return nil, nil
	case "GetRecord":
		if !g.online {
			return nil, validation("FeatureGroup %s has no online store", name)
		}
		id := q.Get("RecordIdentifierValueAsString")
		latest, ok := s.latest(name, id)
		if !ok {
			return map[string]any{}, nil
		}
		want := q["FeatureName"]
		var out []any
		for _, d := range g.definitions {
			fn := str(d.(map[string]any), "FeatureName")
			v, has := latest.values[fn]
			if !has || (len(want) > 0 && !slices.Contains(want, fn)) {
				continue
			}
			out = append(out, map[string]any{"FeatureName": fn, "ValueAsString": v})
		}
		return map[string]any{"Record": out}, nil
	case "DeleteRecord":
		id := q.Get("RecordIdentifierValueAsString")
		if id == "" || q.Get("EventTime") == "" {
			return nil, s.problem("DeleteRecord: RecordIdentifierValueAsString and EventTime are required")
		}
		delete(s.records[name], id)
		return nil, nil
	}
	return nil, s.problem("runtime: %s %s", r.Method, r.URL.Path)
}

func (g *groupState) defines(feature string) bool {
	for _, d := range g.definitions {
		if str(d.(map[string]any), "FeatureName") == feature {
			return true
		}
	}
	return false
}

// latest returns the record with the greatest event time for id.
func (s *Server) latest(group, id string) (record, bool) {
	rs := s.records[group][id]
	if len(rs) == 0 {
		return record{}, false
	}
	best := rs[0]
	for _, r := range rs[1:] {
		if later(r.eventTime, best.eventTime) {
			best = r
		}
	}
	return best, true
}

// later compares event times as numbers when both are, else as strings
// (ISO 8601 in one format sorts as text).
func later(a, b string) bool {
	fa, ea := strconv.ParseFloat(a, 64)
	fb, eb := strconv.ParseFloat(b, 64)
	if ea == nil && eb == nil {
		return fa > fb
	}
	return a > b
}

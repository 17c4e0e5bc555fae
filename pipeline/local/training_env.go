package local

import (
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// toolkitEnv adds to job.Environment the variables SageMaker's training
// toolkit sets in a container (SM_MODEL_DIR, SM_CHANNEL_<NAME>, SM_HPS,
// SM_HP_<NAME>, SM_HOSTS, ...), with the job's local paths, for code
// ported from a script that reads them. Variables the definition sets
// keep its values.
func toolkitEnv(job *TrainingJob, cpus, gpus float64) {
	set := func(k, v string) {
		if _, ok := job.Environment[k]; !ok {
			job.Environment[k] = v
		}
	}
	js := func(v any) string {
		b, _ := json.Marshal(v)
		return string(b)
	}
	names := slices.Sorted(maps.Keys(job.Channels))
	set("TRAINING_JOB_NAME", job.Name)
	set("SM_MODEL_DIR", job.ModelDir)
	set("SM_OUTPUT_DATA_DIR", job.OutputDataDir)
	set("SM_CHANNELS", js(names))
	for _, n := range names {
		set("SM_CHANNEL_"+strings.ToUpper(n), job.Channels[n].Dir)
	}
	user := job.HyperParameters.User()
	set("SM_HPS", js(user))
	for _, k := range slices.Sorted(maps.Keys(user)) {
		v := job.HyperParameters.String(k, "")
		set("SM_HP_"+strings.ToUpper(k), v)
	}
	set("SM_CURRENT_HOST", job.Hosts[0])
	set("SM_HOSTS", js(job.Hosts))
	set("SM_NUM_CPUS", strconv.Itoa(int(cpus)))
	set("SM_NUM_GPUS", strconv.Itoa(int(gpus)))
}

// Package steps defines the step types of a SageMaker pipeline and renders
// their arguments exactly as the SageMaker Python SDK (2.257.6) does.
//
// # Steps and entities
//
// A [Step] is one object of a definition's "Steps" list: it has a name, a
// [Type], an [Envelope] (DependsOn, DisplayName, Description,
// RetryPolicies), its "Arguments" and type-specific trailing keys. An
// [Entity] is what a pipeline lists: a step, or a step collection that
// expands to several steps.
//
// # The compile environment
//
// Some argument values are computed by the SDK from its session and from the
// clock: the default bucket, the region, timestamped job names, unique
// model package group names. [Env] carries them, with an injectable clock
// ([FrozenClock]) and name source ([FixedNames], [RandNames]) so that a
// definition can be reproduced byte for byte.
//
// # Local code
//
// Local code is staged by the SDK under a content-hash key; [HashCode]
// computes that key (SHA-256 over the path strings and file contents). Code
// given as an s3:// URI is used as is.
package steps

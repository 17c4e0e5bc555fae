// Package featurestore keeps SageMaker Feature Store feature groups: a
// Group definition (record identifier, event time, typed features, online
// and offline stores) shared by a local store and the remote service.
//
// Local keeps a group on the file system. Its offline store is parquet in
// the layout SageMaker writes to S3 (<s3 uri>/<account>/sagemaker/<region>/
// offline-store/<group>-<creation epoch>/data/year=/month=/day=/hour=/
// <latest event time>_<16 alphanumerics>.parquet) with the write_time,
// api_invocation_time and is_deleted columns added, so that
// dataset.ReadParquet reads it as the seed's preprocessing reads the real
// one (write_time and api_invocation_time are written as
// "yyyy-MM-dd HH:mm:ss.SSS" text). Its online store keeps the latest
// record per identifier (Get, BatchGet, Delete). Ingest spreads a
// dataset's rows over actors as the seed's ingestion does; each file is
// written whole or not at all, and a record whose identifier and event
// time are already stored is skipped, so an interrupted ingestion can
// simply be run again.
//
// Remote drives the service: CreateFeatureGroup (waiting until the group
// is Created), DescribeFeatureGroup, DeleteFeatureGroup, the offline
// store's resolved S3 URI, and PutRecord, GetRecord and DeleteRecord on
// the runtime API, whose requests it signs with the SDK's SigV4 signer.
package featurestore

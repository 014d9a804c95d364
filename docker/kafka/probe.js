#!/usr/bin/env node
// Readiness probe for docker/kafka/kafka.sh: one real metadata round-trip with kafkajs.
// Usage: node docker/kafka/probe.js [host:port]   exit 0 = a broker answered, 1 = not (reason on stderr).
'use strict';
const { Kafka, logLevel } = require('kafkajs');

const broker = process.argv[2] || process.env.KAFKA_BROKERS || '127.0.0.1:9092';
const kafka = new Kafka({
  clientId: 'lifecycle-kafka-probe',
  brokers: broker.split(','),
  connectionTimeout: 2000,
  requestTimeout: 5000,
  retry: { retries: 0 },
  logLevel: logLevel.NOTHING,
});
const admin = kafka.admin();
const timer = setTimeout(() => {
  process.stderr.write('probe timed out\n');
  process.exit(1);
}, 10000);

admin
  .connect()
  .then(() => admin.describeCluster())
  .then((cluster) => {
    if (!cluster.brokers || cluster.brokers.length === 0) throw new Error('metadata lists no brokers yet');
    process.stdout.write(`cluster ${cluster.clusterId}, controller ${cluster.controller}, brokers ${cluster.brokers.map((b) => `${b.host}:${b.port}`).join(',')}\n`);
    return admin.disconnect().then(() => 0);
  })
  .catch((error) => {
    process.stderr.write(`${error && error.message ? error.message : String(error)}\n`);
    return admin.disconnect().catch(() => undefined).then(() => 1);
  })
  .then((code) => {
    clearTimeout(timer);
    process.exit(code);
  });

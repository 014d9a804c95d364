#!/usr/bin/env node
// Readiness probe for docker/kafka/kafka.sh, with kafkajs.
//   node docker/kafka/probe.js [host:port]          one metadata round-trip, no retries
//   node docker/kafka/probe.js --warm [host:port]   also wait until the group coordinator
//       (__consumer_offsets) and the producer-id manager answer, so that the first consumer group
//       and the first idempotent producer of a fresh broker do not log "coordinator not available".
// Exit 0 = ready; 1 = not (reason on stderr).
'use strict';
const { Kafka, Partitioners, logLevel } = require('kafkajs');

const args = process.argv.slice(2);
const warm = args[0] === '--warm';
if (warm) args.shift();
const broker = args[0] || process.env.KAFKA_BROKERS || '127.0.0.1:9092';

const kafka = new Kafka({
  clientId: 'lifecycle-kafka-probe',
  brokers: broker.split(','),
  connectionTimeout: 2000,
  requestTimeout: 5000,
  retry: warm ? { retries: 10, initialRetryTime: 200, maxRetryTime: 2000 } : { retries: 0 },
  logLevel: logLevel.NOTHING,
});
const admin = kafka.admin();
// An idempotent producer needs retries, so it exists in --warm mode only.
const producer = warm ? kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner }) : null;
const timer = setTimeout(
  () => {
    process.stderr.write('probe timed out\n');
    process.exit(1);
  },
  warm ? 60000 : 10000,
);

async function main() {
  await admin.connect();
  const cluster = await admin.describeCluster();
  if (!cluster.brokers || cluster.brokers.length === 0) throw new Error('metadata lists no brokers yet');
  if (warm) {
    await admin.describeGroups(['lifecycle-kafka-probe']); // FindCoordinator creates __consumer_offsets
    await producer.connect(); // InitProducerId
    await producer.disconnect();
  }
  const brokers = cluster.brokers.map((b) => `${b.host}:${b.port}`).join(',');
  process.stdout.write(`cluster ${cluster.clusterId}, controller ${cluster.controller}, brokers ${brokers}\n`);
}

main()
  .then(() => 0)
  .catch((error) => {
    process.stderr.write(`${error && error.message ? error.message : String(error)}\n`);
    return 1;
  })
  .then((code) =>
    Promise.allSettled([admin.disconnect(), producer && producer.disconnect()]).then(() => {
      clearTimeout(timer);
      process.exit(code);
    }),
  );

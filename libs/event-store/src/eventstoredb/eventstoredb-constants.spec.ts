import * as client from '@eventstore/db-client';
import { BACKWARDS, END, ESDB_START, FORWARDS, isStreamNotFound, isWrongExpectedVersion, NO_STREAM } from './eventstoredb-constants';

describe("the EventStoreDB client's constants, copied so the adapter loads the client only when connecting", () => {
  it('are the same values as the installed client', () => {
    expect([NO_STREAM, ESDB_START, END, FORWARDS, BACKWARDS]).toEqual([client.NO_STREAM, client.START, client.END, client.FORWARDS, client.BACKWARDS]);
    expect(client.streamNameFilter({ prefixes: ['a-'] })).toMatchObject({ filterOn: 'streamName', prefixes: ['a-'], checkpointInterval: 1 });
    expect(client.jsonEvent({ id: '0b7f3b1e-1111-4c4c-8888-000000000000', type: 'T', data: { a: 1 }, metadata: { b: 2 } })).toEqual({
      id: '0b7f3b1e-1111-4c4c-8888-000000000000',
      contentType: 'application/json',
      type: 'T',
      data: { a: 1 },
      metadata: { b: 2 },
    });
  });

  it("recognise the client's own error classes", () => {
    expect(isStreamNotFound(new client.StreamNotFoundError(undefined, 's'))).toBe(true);
    expect(isWrongExpectedVersion(new client.WrongExpectedVersionError(undefined, { streamName: 's', expected: 1n, current: 2n }))).toBe(true);
    expect(isStreamNotFound(new Error('stream-not-found'))).toBe(false);
    expect(isWrongExpectedVersion(new client.StreamNotFoundError(undefined, 's'))).toBe(false);
  });

  it("importing the adapter's modules does not load the client", () => {
    jest.isolateModules(() => {
      jest.doMock('@eventstore/db-client', () => {
        throw new Error('@eventstore/db-client was loaded');
      });
      expect(() => require('./eventstoredb-event-store')).not.toThrow();
      expect(() => require('./eventstoredb-subscription')).not.toThrow();
    });
  });
});

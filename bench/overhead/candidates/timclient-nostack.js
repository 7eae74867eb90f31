'use strict';
// Candidate: `TIMClient.getUserStatus` with `callSiteStacks: false`, the one option that trades
// the call-site stack of a failed call's TIMError for speed. Otherwise the same as timclient.js.
const path = require('path');
const { DIST } = require('../../lib/machine');

async function setup({ library, dir }) {
  const { TIMClient } = require(path.join(DIST, 'client.js'));
  const client = new TIMClient({ sdkPath: library, callSiteStacks: false });
  client.init(1400000001, { sdk_config_config_file_path: dir, sdk_config_log_file_path: dir });
  return {
    sdkVersion: client.sdkVersion,
    call(done) {
      client.getUserStatus(['u1']).then(
        () => done(0),
        (err) => done(err.code),
      );
    },
    close() {
      client.uninit();
    },
  };
}

module.exports = { setup };

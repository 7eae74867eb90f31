{
  # Two products from one tree:
  #   tim_native   - the Node-API addon: the shim plus the emulator client compiled in as the
  #                  embedded default backend.
  #   tim_emulator - the emulator client alone as a shared library exporting the real TIM* names,
  #                  loaded by path exactly like the vendor library (tests, raw C benchmarks).
  # CMakeLists.txt builds the same products with the same defines and exception mode.
  'variables': {
    'shim_sources': ['<!@(node -p "require(\'fs\').readdirSync(\'native/shim\').filter(f=>f.endsWith(\'.cc\')).map(f=>\'native/shim/\'+f).join(\' \')")'],
    'emulator_sources': ['<!@(node -p "require(\'fs\').readdirSync(\'native/emulator\').filter(f=>f.endsWith(\'.cc\')&&f!==\'exports.cc\').map(f=>\'native/emulator/\'+f).join(\' \')")'],
  },
  'target_defaults': {
    'cflags_cc': ['-std=c++17', '-fexceptions', '-fvisibility=hidden'],
    'cflags_cc!': ['-fno-exceptions', '-std=gnu++1y', '-std=gnu++17'],
    'include_dirs': ['native/include'],
    # NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS: a Node-API call refused because the environment is
    # stopping (a worker being terminated) must not become a C++ throw out of a noexcept wrapper.
    'defines': ['NAPI_VERSION=8', 'NAPI_CPP_EXCEPTIONS', 'NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS'],
    'xcode_settings': {
      'GCC_ENABLE_CPP_EXCEPTIONS': 'YES',
      'CLANG_CXX_LANGUAGE_STANDARD': 'c++17',
      'MACOSX_DEPLOYMENT_TARGET': '11.0',
      'GCC_SYMBOLS_PRIVATE_EXTERN': 'YES',
    },
    'msvs_settings': {
      'VCCLCompilerTool': { 'ExceptionHandling': 1, 'AdditionalOptions': ['/std:c++17', '/utf-8'] },
    },
    'conditions': [
      ['OS=="linux"', { 'libraries': ['-ldl', '-lpthread'] }],
      ['OS=="win"', { 'libraries': ['ws2_32.lib'], 'defines': ['WIN32_LEAN_AND_MEAN', 'NOMINMAX'] }],
    ],
  },
  'targets': [
    {
      'target_name': 'tim_native',
      'sources': ['<@(shim_sources)', '<@(emulator_sources)'],
      'include_dirs': ["<!(node -p \"require('node-addon-api').include_dir\")"],
    },
    {
      'target_name': 'tim_emulator',
      'type': 'shared_library',
      'product_prefix': 'lib',
      'sources': ['<@(emulator_sources)', 'native/emulator/exports.cc'],
      'defines': ['TIM_EMULATOR_EXPORTS'],
      'conditions': [
        ['OS=="linux"', { 'ldflags': ['-Wl,--version-script=<(module_root_dir)/native/emulator/exports.map'] }],
      ],
    },
  ],
}

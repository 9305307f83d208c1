"""Global names of the JavaScript runtimes snippets run in (Node 20, workerd), and browser-only ones.

A snippet that reads a name from neither list nor its own code is a fragment of something larger.
The lists are generous on purpose: a missing global would label a runnable snippet a fragment.
"""

from __future__ import annotations

_RUNTIME_GLOBALS = """
    globalThis undefined NaN Infinity eval isFinite isNaN parseFloat parseInt decodeURI
    decodeURIComponent encodeURI encodeURIComponent escape unescape Object Function Boolean Symbol
    Error AggregateError EvalError RangeError ReferenceError SyntaxError TypeError URIError Number
    BigInt Math Date String RegExp Array Int8Array Uint8Array Uint8ClampedArray Int16Array
    Uint16Array Int32Array Uint32Array Float32Array Float64Array BigInt64Array BigUint64Array Map
    Set WeakMap WeakSet WeakRef FinalizationRegistry ArrayBuffer SharedArrayBuffer DataView Atomics
    JSON Promise Proxy Reflect Intl WebAssembly Iterator console fetch Request Response Headers
    FormData Blob File URL URLSearchParams URLPattern AbortController AbortSignal Event EventTarget
    CustomEvent MessageChannel MessagePort MessageEvent ReadableStream WritableStream
    TransformStream ReadableStreamDefaultReader WritableStreamDefaultWriter TextEncoder TextDecoder
    TextEncoderStream TextDecoderStream CompressionStream DecompressionStream
    ByteLengthQueuingStrategy CountQueuingStrategy IdentityTransformStream FixedLengthStream crypto
    Crypto CryptoKey SubtleCrypto structuredClone queueMicrotask setTimeout clearTimeout setInterval
    clearInterval setImmediate clearImmediate atob btoa performance navigator WebSocket
    WebSocketPair CloseEvent ErrorEvent DOMException Performance PerformanceEntry caches Cache
    CacheStorage HTMLRewriter scheduler ScheduledEvent FetchEvent Navigator self reportError
    DigestStream connect process Buffer require module exports __dirname __filename global
"""
RUNTIME_GLOBALS: frozenset[str] = frozenset(_RUNTIME_GLOBALS.split())
"""Names Node 20 and workerd both (or one of them) define."""

_BROWSER_ONLY = """
    document window localStorage sessionStorage EventSource XMLHttpRequest alert confirm prompt
    location history HTMLElement HTMLInputElement HTMLFormElement HTMLCanvasElement Element Node
    NodeList MutationObserver IntersectionObserver ResizeObserver requestAnimationFrame
    cancelAnimationFrame getComputedStyle matchMedia Image Audio FileReader DOMParser customElements
    screen
"""
BROWSER_ONLY: frozenset[str] = frozenset(_BROWSER_ONLY.split())
"""Names only a browser page defines: code reading them runs in a browser, not in Node or a Worker."""

_NOT_IN_NODE = """
    WebSocket WebSocketPair HTMLRewriter caches CacheStorage IdentityTransformStream FixedLengthStream
    DigestStream scheduler navigator
"""
NOT_IN_NODE: frozenset[str] = frozenset(_NOT_IN_NODE.split())
"""Globals of workerd (and browsers) that Node 20, the Node runner's, does not define: a script reading one is
browser or Worker code, not a Node script."""

package io.strait.translate.runner;

import io.strait.model.proxy.ProxyIdentity;

/** Told when this translator gains or loses a scope with connected proxies. */
interface ScopeListener {
    /** A scope this translator owns has at least one proxy; {@code identity} is one of them. */
    void scopeUp(String scope, ProxyIdentity identity);

    /** The scope has no proxy any more, or moved to another translator. */
    void scopeDown(String scope);
}

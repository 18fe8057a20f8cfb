package io.strait.translate.runner;

import io.strait.model.proxy.ProxyIdentity;

/** Told when this translator gains or loses a scope with connected proxies. */
interface ScopeListener {
    /** A scope this translator owns has at least one proxy; {@code identity} is one of them. */
    void scopeUp(String scope, ProxyIdentity identity);

    /** The scope has no proxy any more, or moved to another translator. */
    void scopeDown(String scope);

    /**
     * This translator now holds partition 0 of the proxies topic (or no longer does): the one holding it runs the bus
     * janitor, so exactly one live translator does.
     */
    default void firstPartition(boolean held) {
    }
}

package io.strait.ingest.git;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.zip.GZIPInputStream;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.PacketLineOut;
import org.eclipse.jgit.transport.RefAdvertiser;
import org.eclipse.jgit.transport.UploadPack;

/**
 * A real git smart-HTTP server for tests: JGit's server-side {@link UploadPack} behind the JDK's HTTP server, with
 * basic auth (in this module's test jar, for the integration tests too). (JGit's GitServlet would do the same, but {@code jgit.http.server} 7.8 is not served here.)
 */
public final class SmartHttpGitServer implements AutoCloseable {
    private final HttpServer server;
    private final Path repo;
    private final String user;
    private final String password;

    public SmartHttpGitServer(Path bareRepo, String user, String password) throws IOException {
        this.repo = bareRepo;
        this.user = user;
        this.password = password;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/repo.git/", this::handle);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/repo.git";
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String expected = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
            if (!expected.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"git\"");
                ex.sendResponseHeaders(401, -1);
                return;
            }
            String path = ex.getRequestURI().getPath();
            try (Repository r = new FileRepositoryBuilder().setGitDir(repo.toFile()).setMustExist(true).build()) {
                UploadPack up = new UploadPack(r);
                up.setBiDirectionalPipe(false);
                if (path.endsWith("/info/refs") && "service=git-upload-pack".equals(ex.getRequestURI().getQuery())) {
                    ex.getResponseHeaders().add("Content-Type", "application/x-git-upload-pack-advertisement");
                    ex.sendResponseHeaders(200, 0);
                    OutputStream out = ex.getResponseBody();
                    PacketLineOut pck = new PacketLineOut(out);
                    pck.writeString("# service=git-upload-pack\n");
                    pck.end();
                    up.sendAdvertisedRefs(new RefAdvertiser.PacketLineOutRefAdvertiser(pck));
                    out.flush();
                } else if (path.endsWith("/git-upload-pack") && "POST".equals(ex.getRequestMethod())) {
                    InputStream in = ex.getRequestBody();
                    if ("gzip".equals(ex.getRequestHeaders().getFirst("Content-Encoding"))) {
                        in = new GZIPInputStream(in);
                    }
                    ex.getResponseHeaders().add("Content-Type", "application/x-git-upload-pack-result");
                    ex.sendResponseHeaders(200, 0);
                    up.upload(in, ex.getResponseBody(), null);
                } else {
                    ex.sendResponseHeaders(404, -1);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

package cnnparity.verify;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Finds the fixture for a model file, or makes one with python-export when a Python with Keras is at
 * hand. Fixtures always come from Keras: when no Python is found this prints the command to run
 * instead of inventing anything.
 */
public final class FixtureMaker {
    /** Which Python was chosen and why (for the user to see). */
    public record PythonChoice(String executable, String source) {
    }

    private final Path projectHome;

    public FixtureMaker(Path projectHome) {
        this.projectHome = projectHome;
    }

    /** The project directory (holding python-export/ and fixtures/): -Dcnnparity.home, else the working directory. */
    public static Path projectHome() {
        String h = System.getProperty("cnnparity.home");
        if (h == null || h.isBlank()) h = System.getenv("CNN_PARITY_HOME");
        return Paths.get(h == null || h.isBlank() ? "." : h).toAbsolutePath().normalize();
    }

    public Path script() {
        return projectHome.resolve("python-export").resolve("make_fixture.py");
    }

    /** Cache directory keyed by the model's content, so an edited model gets a new fixture. */
    public static Path cacheDirFor(Path model) throws IOException {
        String base = System.getenv("XDG_CACHE_HOME");
        Path root = base != null && !base.isBlank() ? Paths.get(base) : Paths.get(System.getProperty("user.home"), ".cache");
        return root.resolve("cnn-parity").resolve("fixtures").resolve(Fixture.modelId(model) + "-" + sha256(model).substring(0, 12));
    }

    /** Candidate fixture directories for a model, most specific first. */
    public List<Path> candidates(Path model) throws IOException {
        String id = Fixture.modelId(model);
        List<Path> c = new ArrayList<>();
        Path parent = model.toAbsolutePath().getParent();
        c.add(projectHome.resolve("fixtures").resolve(id));
        if (parent != null) {
            c.add(parent.resolve("fixtures").resolve(id));
            if (parent.getParent() != null) c.add(parent.getParent().resolve("fixtures").resolve(id));
        }
        c.add(cacheDirFor(model));
        return c;
    }

    public Path find(Path model) throws IOException {
        for (Path p : candidates(model)) if (Files.isRegularFile(p.resolve("manifest.json"))) return p;
        return null;
    }

    /** --python, else CNN_PARITY_PYTHON, else python3 on the PATH if it imports keras; null when none. */
    public static PythonChoice choosePython(String explicit) {
        if (explicit != null && !explicit.isBlank()) return new PythonChoice(explicit, "--python");
        String env = System.getenv("CNN_PARITY_PYTHON");
        if (env != null && !env.isBlank()) return new PythonChoice(env, "CNN_PARITY_PYTHON");
        try {
            Process p = new ProcessBuilder("python3", "-c", "import keras").redirectErrorStream(true).start();
            p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            if (p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0) return new PythonChoice("python3", "python3 on the PATH imports keras");
            p.destroyForcibly();
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    public List<String> command(String python, Path model, Path config, Path out) {
        List<String> cmd = new ArrayList<>(List.of(python, script().toString(), model.toAbsolutePath().toString(),
                out.toAbsolutePath().toString()));
        if (config != null) {
            cmd.add("--config");
            cmd.add(config.toAbsolutePath().toString());
        }
        return cmd;
    }

    /** Runs make_fixture.py into a temp dir next to {@code out}, then renames it into place. */
    public void make(PythonChoice python, Path model, Path config, Path out) throws IOException {
        Files.createDirectories(out.getParent());
        Path tmp = Files.createTempDirectory(out.getParent(), out.getFileName() + ".tmp");
        List<String> cmd = command(python.executable(), model, config, tmp);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] log = p.getInputStream().readAllBytes();
        int rc;
        try {
            rc = p.waitFor();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while making a fixture");
        }
        if (rc != 0 || !Files.isRegularFile(tmp.resolve("manifest.json"))) {
            deleteTree(tmp);
            String text = new String(log, StandardCharsets.UTF_8).trim();
            String last = text.isEmpty() ? "" : text.substring(text.lastIndexOf('\n') + 1);
            throw new IOException("python-export could not make a fixture for " + model + ": " + last);
        }
        if (Files.exists(out)) deleteTree(out);
        Files.move(tmp, out, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (var s = Files.walk(p)) {
            for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
        }
    }

    static String sha256(Path file) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (var in = Files.newInputStream(file)) {
                byte[] buf = new byte[1 << 16];
                int n;
                while ((n = in.read(buf)) > 0) md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

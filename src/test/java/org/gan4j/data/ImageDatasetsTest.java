package org.gan4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.gan4j.TestData;
import org.gan4j.config.Choices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageDatasetsTest {
    @TempDir
    Path tmp;

    @Test
    void loadsScaledImagesWithLabels() throws Exception {
        Path dir = TestData.mnistDir(tmp);
        ArrayDataset d = ImageDatasets.loadTrain(Choices.Dataset.MNIST, dir.toString(), 300);
        assertThat(d.size()).isEqualTo(300);
        assertThat(d.sampleShape()).containsExactly(1, 28, 28);
        assertThat(d.classes()).isEqualTo(10);
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (float v : d.values()) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertThat(min).isEqualTo(-1f);
        assertThat(max).isLessThanOrEqualTo(1f).isGreaterThan(0.5f);
    }

    @Test
    void explicitPathAlsoFindsDatasetSubfolder() throws Exception {
        Path dir = TestData.mnistDir(tmp);
        Path parent = dir.getParent();
        assertThat(ImageDatasets.locate(Choices.Dataset.MNIST, parent.toString())).isEqualTo(dir);
    }

    @Test
    void missingDirectoryIsNamed() {
        Path missing = tmp.resolve("nope");
        assertThatThrownBy(() -> ImageDatasets.locate(Choices.Dataset.MNIST, missing.toString()))
                .isInstanceOf(DataException.class).hasMessageContaining("data.path").hasMessageContaining(missing.toString());
    }

    @Test
    void emptyDirectoryIsNamed() {
        assertThatThrownBy(() -> ImageDatasets.locate(Choices.Dataset.MNIST, tmp.toString()))
                .hasMessageContaining("train-images-idx3-ubyte");
    }
}

// Drawing surface and small pictures for the Blazor components; no state outside the objects returned.

// A canvas to draw on with mouse, pen or finger (pointer events). At every stroke's end its pixels go to .NET
// as grey bytes (`Classify`), then the time from the pointer's release to the answer goes back (`ReportLatency`).
export function initCanvas(canvas, dotnet) {
    const context = canvas.getContext('2d', { willReadFrequently: true });
    const small = document.createElement('canvas');
    small.width = Math.round(canvas.width / 2);
    small.height = Math.round(canvas.height / 2);
    small.getContext('2d', { willReadFrequently: true }).imageSmoothingQuality = 'high';
    let drawing = false;
    let last = null;

    function clear() {
        context.fillStyle = '#fff';
        context.fillRect(0, 0, canvas.width, canvas.height);
        context.fillStyle = '#000';
    }
    function point(event) {
        const box = canvas.getBoundingClientRect();
        return { x: (event.clientX - box.left) * canvas.width / box.width, y: (event.clientY - box.top) * canvas.height / box.height };
    }
    function dot(p) {
        context.beginPath();
        context.arc(p.x, p.y, context.lineWidth / 2, 0, 2 * Math.PI);
        context.fill();
    }
    clear();
    context.lineWidth = canvas.width / 14;
    context.lineCap = 'round';
    context.lineJoin = 'round';
    context.strokeStyle = '#000';

    canvas.style.touchAction = 'none';
    canvas.addEventListener('pointerdown', event => {
        event.preventDefault();
        canvas.setPointerCapture(event.pointerId);
        drawing = true;
        last = point(event);
        dot(last);
    });
    canvas.addEventListener('pointermove', event => {
        if (!drawing) return;
        event.preventDefault();
        const coalesced = event.getCoalescedEvents ? event.getCoalescedEvents() : [];
        context.beginPath();
        context.moveTo(last.x, last.y);
        for (const e of coalesced.length ? coalesced : [event]) {
            last = point(e);
            context.lineTo(last.x, last.y);
        }
        context.stroke();
    });
    async function end() {
        if (!drawing) return;
        drawing = false;
        const started = performance.now();
        // Half the resolution (the digit ends up 20x20 anyway) and one channel (black ink on white): a sixteenth of
        // the canvas's bytes go to .NET, where LeNet5.Imaging prepares them.
        small.getContext('2d').drawImage(canvas, 0, 0, small.width, small.height);
        const rgba = small.getContext('2d').getImageData(0, 0, small.width, small.height).data;
        const grey = new Uint8Array(small.width * small.height);
        for (let i = 0; i < grey.length; i++) grey[i] = rgba[4 * i];
        await dotnet.invokeMethodAsync('Classify', grey, small.width, small.height);
        await dotnet.invokeMethodAsync('ReportLatency', performance.now() - started);
    }
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);

    // When the page became usable, in ms since navigation started (read by the browser tests).
    window.lenet5InteractiveMs = performance.now();
    return { clear };
}

export function clearCanvas(surface) { surface.clear(); }

// Draws grey pixels (0 background, 255 ink) as black ink on white into a canvas of their size.
export function drawGrey(canvas, pixels, width, height) {
    canvas.width = width;
    canvas.height = height;
    const context = canvas.getContext('2d');
    const image = context.createImageData(width, height);
    for (let i = 0; i < width * height; i++) {
        const v = 255 - pixels[i];
        image.data[4 * i] = v;
        image.data[4 * i + 1] = v;
        image.data[4 * i + 2] = v;
        image.data[4 * i + 3] = 255;
    }
    context.putImageData(image, 0, 0);
}

// Resolves on a macrotask, so the browser paints and handles input first (a resolved promise would not let it).
export function yieldToBrowser() {
    return new Promise(resolve => setTimeout(resolve, 0));
}
